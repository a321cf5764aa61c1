using HimPortal.Application.Access;
using HimPortal.Application.Documents.CorrectMisfile;
using HimPortal.Data.Roi;
using HimPortal.Tests.Compliance;
using HimPortal.Tests.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Roi;

/// <summary>A misfiled document released in another patient's packet: its correction records an impermissible disclosure in the right patient's accounting.</summary>
public sealed class ImpermissibleDisclosureTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    [Fact]
    public async Task Correcting_a_misfile_that_went_out_in_a_released_packet_records_an_impermissible_disclosure_for_the_right_patient()
    {
        var wrong = await world.PatientAsync("Wanda", "Released");
        var rightMrn = "MRN-I" + Guid.NewGuid().ToString("N")[..8];
        var right = await world.PatientAsync("Ruth", "Released", rightMrn);
        var indexer = await world.StaffAsync(Roles.HimClerk);
        var document = await FiledDocuments.FileAsync(world, wrong, indexer);
        var request = await ReleaseRequests.AddAsync(world.Database, wrong, RequesterTypes.Attorney, RequestStatuses.Delivered, requesterName: "Counsel Doe");
        await BuiltPackets.AddAsync(world.Database, request, PacketStatuses.Released, [("ScannedDocument", document.Id.ToString("D"), null)]);
        await world.Database.ExecuteAsync($"UPDATE roi.packets SET released_at = now() WHERE request_id = '{request}'");

        var corrector = await world.StaffAsync(Roles.HimClerk);
        world.ActAs(corrector);
        var seen = await FiledDocuments.VersionAsync(world, document.Id);
        var moved = await world.RunAsync<MisfileCorrected, CorrectMisfileHandler>(h => h.HandleAsync(
            new CorrectMisfileCommand(document.Id, rightMrn, null, "Another patient's name on page 1.", seen), CancellationToken.None));
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);

        var disclosure = await FiledDocuments.QueryAsync(world, db => db.Disclosures.AsNoTracking().SingleAsync(d => d.RequestId == request));
        disclosure.PatientId.ShouldBe(right);
        disclosure.Impermissible.ShouldBeTrue();
        disclosure.Accountable.ShouldBeTrue();
        disclosure.Source.ShouldBe(DisclosureSources.Misfile);
        disclosure.RecipientName.ShouldBe("Counsel Doe");
        disclosure.LegalBasis.ShouldStartWith("impermissible: misfiled page released in ROI-");
    }
}
