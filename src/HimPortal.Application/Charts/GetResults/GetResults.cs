using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Charts.GetResults;

/// <param name="Code">The LOINC code of the test, or of a panel's component (systolic pressure).</param>
public sealed record GetResultsQuery(Guid PatientId, string Code);

public sealed record ResultsView(ObservationSeries Series, ChartSection Section);

/// <summary>Every result of one test (or vital sign) of a patient, with flags and reference ranges, for its trend page.</summary>
public sealed class GetResultsHandler(HimDbContext db, ChartGate gate)
{
    public async Task<ChartRead<ResultsView>> HandleAsync(GetResultsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync(async token =>
        {
            var entry = await gate.OpenAsync(query.PatientId, token);
            if (entry is null)
            {
                return ChartRead<ResultsView>.NotFound();
            }

            if (!entry.Access.Shows(ChartSection.LabResults) || !entry.Access.Shows(ChartSection.VitalSigns))
            {
                var refused = entry.Access.IsGranted ? entry.Refuse("role may not see results") : entry;
                await gate.RecordDenialAsync(refused, "Observation", query.Code, token);
                return ChartRead<ResultsView>.Refused(refused);
            }

            var (id, code) = (query.PatientId, query.Code);
            var groups = await ObservationReader.ReadAsync(db,
                o => o.PatientId == id && (o.Code == code || db.Set<ObservationComponent>().Any(c => c.ParentId == o.Id && c.Code == code)), token);
            var lab = groups.LabResults.FirstOrDefault(s => s.Code == code);
            var vital = groups.VitalSigns.FirstOrDefault(s => s.Code == code);
            if (lab is null && vital is null)
            {
                return ChartRead<ResultsView>.NotFound(entry);
            }

            var view = lab is not null ? new ResultsView(lab, ChartSection.LabResults) : new ResultsView(vital!, ChartSection.VitalSigns);
            await gate.RecordViewAsync(entry, "Observation", code, [view.Section], token);
            return ChartRead<ResultsView>.Shown(entry, view);
        }, ct);
    }
}
