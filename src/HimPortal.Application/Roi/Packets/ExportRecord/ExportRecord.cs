using System.Security.Cryptography;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.ExportRecord;

/// <param name="Format">"pdf" or "fhir".</param>
/// <param name="Output">Where the export is written (a file the console opened); seekable, so its SHA-256 can be read back.</param>
public sealed record ExportRecordCommand(string Mrn, string Format, Stream Output);

public sealed record ExportOutcome(int Items, int LeftOut, int Pages, long Length, string Sha256);

/// <summary>
/// `himportal export` (issue 17 item 5): the whole record of a patient as HIM's own copy, built exactly as a release is
/// (<see cref="PacketWriter"/> or <see cref="FhirPacket"/>): the designated record set of the patient's person, with
/// psychotherapy notes left out (they are not part of it, 45 CFR 164.501, 164.524(a)(1)(i)); no recipient, the footer
/// says "HIM copy". Audited as an export of the patient's record.
/// </summary>
[RequiresPermission(Permissions.RoiExport)]
public sealed class ExportRecordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    SensitivityReader sensitivity,
    PacketContent content,
    PacketWriter writer,
    HospitalTime hospital,
    TimeProvider clock) : Handler<ExportRecordCommand, Result<ExportOutcome>>(permissions)
{
    public const string Pdf = "pdf";
    public const string Fhir = "fhir";

    protected override async Task<Result<ExportOutcome>> ExecuteAsync(ExportRecordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Format is not (Pdf or Fhir))
        {
            return Error.Invalid("The format is pdf or fhir.", "Format");
        }

        var patientId = await db.Set<Patient>().AsNoTracking().Where(p => p.Mrn == command.Mrn).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(ct);
        if (patientId is null)
        {
            return Error.NotFound("No patient has this MRN.");
        }

        var settings = await db.RoiSettings.AsNoTracking().SingleAsync(ct);

        // HIM's own copy is the individual's record as the right of access would release it: a stand-in request.
        var request = new ReleaseRequest
        {
            PatientId = patientId.Value,
            RequesterType = RequesterTypes.Patient,
            RequesterName = "HIM copy",
            ScopeKind = ScopeKinds.DesignatedRecordSet,
            Format = command.Format == Fhir ? ReleaseFormats.FhirJson : ReleaseFormats.Pdf,
            Delivery = DeliveryMethods.Pickup,
            Status = RequestStatuses.Processing,
            Purpose = "HIM copy of the designated record set",
            StateCode = settings.HospitalState,
        };
        var candidates = await PacketCandidates.ReadAsync(db, sensitivity, hospital, patientId.Value, ct);
        var chosen = candidates.Where(c => PacketCoverage.Withheld(request, null, settings.ExtraRestrictedLabels, c.Labels) is null)
            .Select(c => new ChosenItem(c.ResourceType, c.Id.ToString("D"), c.Title, c.Date, c.Labels, [])).ToList();
        var leftOut = candidates.Count - chosen.Count;
        var withheld = await PacketAssembly.WithheldAsync(db, sensitivity, request, null, settings.ExtraRestrictedLabels, ct);
        var start = command.Output.CanSeek ? command.Output.Position : 0;
        int pages;
        if (command.Format == Fhir)
        {
            await FhirPacket.WriteAsync(db, patientId.Value, chosen, withheld, command.Output, ct);
            pages = 0;
        }
        else
        {
            var today = hospital.DayOf(clock.GetUtcNow());
            var cover = new List<string>
            {
                "Health Information Management - HIM copy of the record",
                today.ToString("MMMM d, yyyy", System.Globalization.CultureInfo.InvariantCulture),
                "",
                $"The designated record set (45 CFR 164.501) of the patient, {chosen.Count} item(s), as a release would hold it.",
                leftOut == 0 ? "Nothing was left out." : $"{leftOut} item(s) left out: psychotherapy notes are not part of the designated record set (45 CFR 164.524(a)(1)(i)).",
                "The manifest on the last page(s) lists every item with the SHA-256 of what of it is in this copy.",
            };
            var spec = await PacketAssembly.SpecAsync(db, sensitivity, content, request, null, settings.ExtraRestrictedLabels, chosen, cover, "HIM copy", ct);
            pages = (await writer.WriteAsync(spec, command.Output, ct)).PageCount;
        }

        await command.Output.FlushAsync(ct);
        string sha = "";
        long length = 0;
        if (command.Output.CanSeek && command.Output.CanRead)
        {
            length = command.Output.Position - start;
            command.Output.Position = start;
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(command.Output, ct));
        }

        await db.InTransactionAsync(async token =>
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.Export, AuditOutcome.Success, "Patient", patientId.Value.ToString("D"), patientId,
                Purpose: "HOPERAT", Details: $"HIM copy of the record ({command.Format}): {chosen.Count} item(s), {leftOut} left out"), token);
            return true;
        }, ct);
        return Result<ExportOutcome>.Success(new ExportOutcome(chosen.Count, leftOut, pages, length, sha));
    }
}
