using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Charts.SafetyNotices;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Incidents;
using HimPortal.Application.Documents.CorrectMisfile;
using HimPortal.Application.Documents.QualityControl;
using HimPortal.Data.Clinical;
using HimPortal.Data.Compliance;
using HimPortal.Data.Documents;
using HimPortal.Tests.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Tests.Documents;

/// <summary>
/// Misfile correction (issue 15 item 7): the document moves through the record's correction, the old and new places are
/// recorded, and a privacy incident is opened exactly when the pages were seen under the wrong patient outside filing.
/// </summary>
public sealed class MisfileCorrectionTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private async Task<(Guid Wrong, Guid Right, string RightMrn, StaffMember Indexer, SeededFiling Document)> MisfiledAsync()
    {
        var wrong = await world.PatientAsync("Wren", "Ong");
        var rightMrn = "MRN-R" + Guid.NewGuid().ToString("N")[..8];
        var right = await world.PatientAsync("Rita", "Ight", rightMrn);
        var indexer = await world.StaffAsync(Roles.HimClerk);
        var document = await FiledDocuments.FileAsync(world, wrong, indexer);
        return (wrong, right, rightMrn, indexer, document);
    }

    private async Task<Result<MisfileCorrected>> CorrectAsync(StaffMember by, SeededFiling document, string mrn, uint? version = null, Guid? review = null, uint? reviewVersion = null)
    {
        var seen = version ?? await FiledDocuments.VersionAsync(world, document.Id);
        world.ActAs(by);
        return await world.RunAsync<MisfileCorrected, CorrectMisfileHandler>(h => h.HandleAsync(
            new CorrectMisfileCommand(document.Id, mrn, null, "Name and birth date on page 1 are another patient's.", seen, review, reviewVersion), CancellationToken.None));
    }

    [Fact]
    public async Task A_misfile_seen_only_in_indexing_and_QA_moves_the_document_and_opens_no_incident()
    {
        var (wrong, right, mrn, _, document) = await MisfiledAsync();
        var reviewer = await world.StaffAsync(Roles.HimClerk);
        await FiledDocuments.ViewAsync(world, reviewer, document, wrong, ScannedDocumentAudit.Places.QualityReview, world.Clock.GetUtcNow().AddMinutes(-1),
            purpose: ScannedDocumentAudit.OperationsPurpose);
        // Opening the misfile page names the document under its patient but shows no page: not a view that discloses it.
        world.ActAs(reviewer);
        (await world.RunAsync<MisfileView, GetMisfileHandler>(h => h.HandleAsync(new GetMisfileQuery(document.Id), CancellationToken.None))).IsSuccess.ShouldBeTrue();

        var moved = await CorrectAsync(reviewer, document, mrn);
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        moved.Value!.IncidentId.ShouldBeNull();

        var (scanned, copy, original, filing, audits, incidents) = await FiledDocuments.QueryAsync(world, async db => (
            await db.Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == document.Id),
            await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == moved.Value.ClinicalNoteId),
            await db.EnteredInError.AsNoTracking().SingleAsync(e => e.ResourceId == document.NoteId),
            await db.Set<DocumentFiling>().AsNoTracking().Where(f => f.DocumentId == document.Id).OrderByDescending(f => f.Id).FirstAsync(),
            await db.AccessEvents.AsNoTracking().Where(e => e.ResourceId == document.Id.ToString("D") && e.Action == AuditAction.Update).ToListAsync(),
            await db.Set<PrivacyIncident>().CountAsync(i => i.DocumentId == document.Id)));
        scanned.PatientId.ShouldBe(right);
        scanned.ClinicalNoteId.ShouldBe(moved.Value.ClinicalNoteId);
        copy.PatientId.ShouldBe(right);
        copy.Resource.ShouldContain($"urn:himportal:scanned-document:{document.Id:D}");
        original.PatientId.ShouldBe(wrong);
        filing.Kind.ShouldBe(FilingKinds.Corrected);
        filing.PreviousPatientId.ShouldBe(wrong);
        filing.PatientId.ShouldBe(right);
        filing.ClinicalNoteId.ShouldBe(copy.Id);
        audits.Select(a => a.PatientId).ShouldBe([wrong, right], ignoreOrder: true);
        incidents.ShouldBe(0);
    }

    [Fact]
    public async Task A_misfile_a_physician_viewed_in_the_chart_opens_an_incident_with_the_deadline_and_a_patient_safety_notice()
    {
        var (wrong, right, mrn, _, document) = await MisfiledAsync();
        var physician = await world.StaffAsync(Roles.Physician);
        var viewedAt = world.Clock.GetUtcNow().AddDays(-2);
        await FiledDocuments.ViewAsync(world, physician, document, wrong, ScannedDocumentAudit.Places.Chart, viewedAt, page: 2);
        // Seen under the right patient (after a move, say) is no disclosure: only the wrong patient's rows count.
        await FiledDocuments.ViewAsync(world, physician, document, right, ScannedDocumentAudit.Places.Chart, viewedAt.AddMinutes(1));
        var corrector = await world.StaffAsync(Roles.HimManager);

        var moved = await CorrectAsync(corrector, document, mrn);
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        moved.Value!.IncidentId.ShouldNotBeNull();
        moved.Value.NoticesSent.ShouldBe(1);

        world.ActAsComplianceOfficer();
        var incident = (await world.RunAsync<IncidentView, GetIncidentHandler>(h => h.HandleAsync(new GetIncidentQuery(moved.Value.IncidentId!.Value), CancellationToken.None))).Value!;
        incident.DocumentId.ShouldBe(document.Id);
        incident.WrongPatient.Id.ShouldBe(wrong);
        incident.RightPatient.Id.ShouldBe(right);
        incident.CorrectionId.ShouldBe(moved.Value.CorrectionId);
        var access = incident.Accesses.ShouldHaveSingleItem();
        access.UserId.ShouldBe(physician.Id);
        access.Place.ShouldBe(ScannedDocumentAudit.Places.Chart);
        access.Page.ShouldBe(2);
        access.At.ShouldBe(viewedAt, TimeSpan.FromMilliseconds(1));
        incident.DiscoveredAt.ShouldBe(world.Clock.GetUtcNow(), TimeSpan.FromSeconds(1));
        incident.NotificationDueAt.ShouldBe(incident.DiscoveredAt.AddDays(60));
        incident.DaysLeft.ShouldBe(60);
        incident.BreachException.ShouldBeNull();

        var list = (await world.RunAsync<IncidentList, ListIncidentsHandler>(h => h.HandleAsync(new ListIncidentsQuery(), CancellationToken.None))).Value!;
        list.Items.ShouldContain(i => i.Id == incident.Id && i.Views == 1);

        // The deadline counts down with the clock.
        world.Clock.Advance(TimeSpan.FromDays(45));
        try
        {
            (await world.RunAsync<IncidentView, GetIncidentHandler>(h => h.HandleAsync(new GetIncidentQuery(incident.Id), CancellationToken.None))).Value!.DaysLeft.ShouldBe(15);
        }
        finally
        {
            world.Clock.Advance(TimeSpan.FromDays(-45));
        }

        world.ActAs(physician);
        var notices = (await world.RunAsync<IReadOnlyList<SafetyNoticeItem>, ListSafetyNoticesHandler>(h => h.HandleAsync(new ListSafetyNoticesQuery(), CancellationToken.None))).Value!;
        var notice = notices.ShouldHaveSingleItem();
        notice.PatientId.ShouldBe(wrong);
        notice.ViewedAt.ShouldBe(viewedAt, TimeSpan.FromMilliseconds(1));
        (await world.RunAsync<bool, AcknowledgeSafetyNoticeHandler>(h => h.HandleAsync(new AcknowledgeSafetyNoticeCommand(notice.Id, notice.Version), CancellationToken.None))).Value.ShouldBeTrue();
        (await world.RunAsync<IReadOnlyList<SafetyNoticeItem>, ListSafetyNoticesHandler>(h => h.HandleAsync(new ListSafetyNoticesQuery(), CancellationToken.None))).Value!.ShouldBeEmpty();

        // Another physician's notice is not theirs to see or acknowledge.
        var other = await world.StaffAsync(Roles.Physician);
        world.ActAs(other);
        (await world.RunAsync<bool, AcknowledgeSafetyNoticeHandler>(h => h.HandleAsync(new AcknowledgeSafetyNoticeCommand(notice.Id, notice.Version), CancellationToken.None))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
    }

    [Fact]
    public async Task A_QA_reviewer_corrects_the_patient_and_the_review_is_closed_as_a_patient_correction()
    {
        var (_, right, mrn, _, document) = await MisfiledAsync();
        await QualitySamplingTests.SampleAsync(world);
        var review = (await QualitySamplingTests.ReviewsAsync(world, [document.FilingId]))[document.FilingId];
        var reviewer = await world.StaffAsync(Roles.HimClerk);

        var moved = await CorrectAsync(reviewer, document, mrn, review: review.Id, reviewVersion: review.Version);
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        var after = (await QualitySamplingTests.ReviewsAsync(world, [document.FilingId]))[document.FilingId];
        after.Status.ShouldBe(QualityReviewStatuses.Corrected);
        after.Corrections.ShouldBe("patient");
        after.ReviewedByUserId.ShouldBe(reviewer.Id);
        moved.Value!.ToPatientId.ShouldBe(right);
    }

    [Fact]
    public async Task The_indexer_cannot_close_their_own_QA_review_by_a_misfile_correction()
    {
        var (_, _, mrn, indexer, document) = await MisfiledAsync();
        await QualitySamplingTests.SampleAsync(world);
        var review = (await QualitySamplingTests.ReviewsAsync(world, [document.FilingId]))[document.FilingId];
        var moved = await CorrectAsync(indexer, document, mrn, review: review.Id, reviewVersion: review.Version);
        moved.Error.ShouldBe(QualityErrors.OwnWork);
    }

    [Fact]
    public async Task A_stale_document_version_a_same_patient_move_and_a_role_without_Records_Correct_are_refused_and_nothing_is_written()
    {
        var (wrong, _, mrn, _, document) = await MisfiledAsync();
        var corrector = await world.StaffAsync(Roles.HimClerk);
        var seen = await FiledDocuments.VersionAsync(world, document.Id);
        var stale = await CorrectAsync(corrector, document, mrn, version: seen + 1);
        stale.Error.ShouldBe(CorrectMisfileHandler.Stale);

        var wrongMrn = await FiledDocuments.QueryAsync(world, db => db.Set<Patient>().Where(p => p.Id == wrong).Select(p => p.Mrn!).SingleAsync());
        (await CorrectAsync(corrector, document, wrongMrn)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await CorrectAsync(await world.StaffAsync(Roles.Physician), document, mrn)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await CorrectAsync(await world.StaffAsync(Roles.ComplianceOfficer), document, mrn)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);

        var (corrections, filings) = await FiledDocuments.QueryAsync(world, async db => (
            await db.Corrections.CountAsync(c => c.FromPatientId == wrong),
            await db.Set<DocumentFiling>().CountAsync(f => f.DocumentId == document.Id)));
        corrections.ShouldBe(0);
        filings.ShouldBe(1);

        // The first of two correctors wins; the second, with the version both saw, is told.
        var first = await CorrectAsync(corrector, document, mrn, version: seen);
        first.IsSuccess.ShouldBeTrue(first.Error?.Message);
        (await CorrectAsync(await world.StaffAsync(Roles.HimManager), document, mrn, version: seen)).Error.ShouldBe(CorrectMisfileHandler.Stale);
    }

    [Fact]
    public async Task Compliance_dispositions_an_incident_once_with_an_exception_or_the_four_factors_never_by_someone_who_saw_it()
    {
        var (wrong, _, mrn, _, document) = await MisfiledAsync();
        var physician = await world.StaffAsync(Roles.Physician);
        await FiledDocuments.ViewAsync(world, physician, document, wrong, ScannedDocumentAudit.Places.Chart, world.Clock.GetUtcNow().AddHours(-3));
        var incidentId = (await CorrectAsync(await world.StaffAsync(Roles.HimClerk), document, mrn)).Value!.IncidentId!.Value;

        var officer = Guid.NewGuid();
        world.ActAsComplianceOfficer(officer);
        var view = (await world.RunAsync<IncidentView, GetIncidentHandler>(h => h.HandleAsync(new GetIncidentQuery(incidentId), CancellationToken.None))).Value!;
        Task<Result<string>> Review(ReviewIncidentCommand c) =>
            world.RunAsync<string, ReviewIncidentHandler>(h => h.HandleAsync(c, CancellationToken.None));

        var bare = await Review(new ReviewIncidentCommand(incidentId, view.Version, null, null, null, null, null, null, IncidentDispositions.NotABreach, "Low risk."));
        bare.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var breachUnnotified = await Review(new ReviewIncidentCommand(incidentId, view.Version, BreachExceptions.None, "Name, DOB", "A physician", "Viewed", "Retracted",
            null, IncidentDispositions.Breach, "Notify."));
        breachUnnotified.Error!.Kind.ShouldBe(ErrorKind.Invalid);

        var saved = await Review(new ReviewIncidentCommand(incidentId, view.Version, null, "Name, DOB, one progress note", null, null, null, null, null, null));
        saved.Value.ShouldBe("open");
        var stale = await Review(new ReviewIncidentCommand(incidentId, view.Version, BreachExceptions.GoodFaithWorkforce, null, null, null, null, null,
            IncidentDispositions.NotABreach, "Treating physician, good faith."));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var fresh = (await world.RunAsync<IncidentView, GetIncidentHandler>(h => h.HandleAsync(new GetIncidentQuery(incidentId), CancellationToken.None))).Value!;
        fresh.NatureAndExtent.ShouldBe("Name, DOB, one progress note");
        var closed = await Review(new ReviewIncidentCommand(incidentId, fresh.Version, BreachExceptions.GoodFaithWorkforce, fresh.NatureAndExtent, null, null, null, null,
            IncidentDispositions.NotABreach, "Workforce member acting in good faith for treatment; not further used."));
        closed.Value.ShouldBe(IncidentDispositions.NotABreach);
        var reclosed = (await world.RunAsync<IncidentView, GetIncidentHandler>(h => h.HandleAsync(new GetIncidentQuery(incidentId), CancellationToken.None))).Value!;
        (await Review(new ReviewIncidentCommand(incidentId, reclosed.Version, BreachExceptions.None, "a", "b", "c", "d", DateTimeOffset.UtcNow,
            IncidentDispositions.Breach, "Changed my mind."))).Error!.Code.ShouldBe("already-reviewed");

        // The physician who saw it, were they also a reviewer, may not judge their own access.
        world.Actor.ActAs(physician.Id, physician.Email, Roles.ComplianceOfficer);
        (await Review(new ReviewIncidentCommand(incidentId, reclosed.Version, null, null, null, null, null, null, null, null))).Error!.Code.ShouldBe("own-access");
    }

    private async Task<Guid> EncounterAsync(Guid patient)
    {
        var id = Guid.CreateVersion7();
        await FiledDocuments.QueryAsync(world, async db =>
        {
            db.Set<Encounter>().Add(new Encounter
            {
                Id = id, FhirId = id.ToString("N"), Resource = "{}", SourceHash = new byte[32], ImportedAt = world.Clock.GetUtcNow(), PatientId = patient,
                Status = "finished", Class = "AMB", TypeDisplay = "Office visit", PeriodStart = world.Clock.GetUtcNow().AddDays(-4),
            });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    [Fact]
    public async Task A_misfile_on_the_wrong_patients_encounter_moves_to_the_right_patients_encounter()
    {
        var wrong = await world.PatientAsync("Enc", "Wrong");
        var rightMrn = "MRN-E" + Guid.NewGuid().ToString("N")[..8];
        var right = await world.PatientAsync("Enc", "Right", rightMrn);
        var wrongVisit = await EncounterAsync(wrong);
        var rightVisit = await EncounterAsync(right);
        var indexer = await world.StaffAsync(Roles.HimClerk);
        var document = await FiledDocuments.FileAsync(world, wrong, indexer, encounter: wrongVisit);
        var corrector = await world.StaffAsync(Roles.HimManager);
        world.ActAs(corrector);
        var version = await FiledDocuments.VersionAsync(world, document.Id);

        var onWrongVisit = await world.RunAsync<MisfileCorrected, CorrectMisfileHandler>(h => h.HandleAsync(
            new CorrectMisfileCommand(document.Id, rightMrn, wrongVisit, "Another patient's.", version), CancellationToken.None));
        onWrongVisit.Error!.Field.ShouldBe(nameof(CorrectMisfileCommand.ToEncounterId));

        var filedAs = await FiledDocuments.QueryAsync(world, db => db.Set<ClinicalNote>().AsNoTracking()
            .Where(n => n.Id == document.NoteId).Select(n => n.Resource).SingleAsync());
        var moved = await world.RunAsync<MisfileCorrected, CorrectMisfileHandler>(h => h.HandleAsync(
            new CorrectMisfileCommand(document.Id, rightMrn, rightVisit, "Another patient's.", version), CancellationToken.None));
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);

        var (copy, scanned, filing) = await FiledDocuments.QueryAsync(world, async db => (
            await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == moved.Value!.ClinicalNoteId),
            await db.Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == document.Id),
            await db.Set<DocumentFiling>().AsNoTracking().Where(f => f.DocumentId == document.Id).OrderByDescending(f => f.Id).FirstAsync()));
        copy.PatientId.ShouldBe(right);
        copy.EncounterId.ShouldBe(rightVisit);
        copy.Resource.ShouldContain($"urn:uuid:{rightVisit:N}");
        copy.Resource.ShouldNotContain(wrongVisit.ToString("N"));
        scanned.EncounterId.ShouldBe(rightVisit);
        filing.PreviousEncounterId.ShouldBe(wrongVisit);
        filing.EncounterId.ShouldBe(rightVisit);

        // The original stays in the wrong record as it was filed (on its visit), entered-in-error: history is not rewritten.
        var (original, marked) = await FiledDocuments.QueryAsync(world, async db => (
            await db.Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == document.NoteId),
            await db.EnteredInError.AsNoTracking().AnyAsync(m => m.ResourceId == document.NoteId && m.ClearedAt == null)));
        original.PatientId.ShouldBe(wrong);
        original.EncounterId.ShouldBe(wrongVisit);
        original.Resource.ShouldBe(filedAs, "the original reads exactly as it was filed");
        marked.ShouldBeTrue();
    }
}
