using HimPortal.Application.Access;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Charts.GetResults;

/// <param name="Code">The LOINC code of the test, or of a panel's component (systolic pressure).</param>
public sealed record GetResultsQuery(Guid PatientId, string Code) : IPatientRequest;

public sealed record ResultsView(ObservationSeries Series, ChartSection Section);

/// <summary>Every result of one test (or vital sign) of a patient, with flags and reference ranges, for its trend page.</summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class GetResultsHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<GetResultsQuery, ChartRead<ResultsView>>(permissions)
{
    private static readonly ChartSection[] Needs = [ChartSection.LabResults, ChartSection.VitalSigns];

    protected override Task<ChartRead<ResultsView>> ExecuteAsync(GetResultsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (id, code) = (query.PatientId, query.Code);
        return gate.ReadAsync<ResultsView>(id, "Observation", code, Needs, async (entry, token) =>
        {
            // The results of every record of the patient's person (ADR 0015), flagged by the record asked for's sex and age.
            var records = entry.Patient.RecordIds;
            var groups = await ObservationReader.ReadAsync(db,
                o => records.Contains(o.PatientId) && (o.Code == code || db.Set<ObservationComponent>().Any(c => c.ParentId == o.Id && c.Code == code)),
                new ResultSubject(entry.Patient.Sex, entry.Patient.BirthDate), token);
            var view = groups.LabResults.FirstOrDefault(s => s.Code == code) is { } lab ? new ResultsView(lab, ChartSection.LabResults)
                : groups.VitalSigns.FirstOrDefault(s => s.Code == code) is { } vital ? new ResultsView(vital, ChartSection.VitalSigns)
                : null;
            return (view, view is null ? [] : [view.Section]);
        }, ct);
    }
}
