using HimPortal.Application.Access;
using HimPortal.Cli.Demo;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Inbox;

/// <summary>A stay imported for real, and its deficiencies inserted directly (the analysis is cc-analysis's): what the inbox's tests start from.</summary>
public sealed record InboxStay(Guid PatientId, Guid EncounterId, Guid PractitionerId, string Npi, Guid NoteId, Guid OrderId, Persona Physician, DateTimeOffset DischargedAt);

public static class InboxWorld
{
    public const string NoteText = "Operative note: appendix removed, no complications.";

    /// <summary>
    /// A stay of a stored patient whose attending is a practitioner no account is linked to yet (each call its own, as NPIs
    /// are unique on accounts), with an unsigned operative note and a verbal order by them; a physician account linked to them.
    /// </summary>
    public static async Task<InboxStay> StayAsync(TestDatabase database, IServiceProvider services, DateTimeOffset discharged, string patient = ClinicalData.Smallest)
    {
        ArgumentNullException.ThrowIfNull(database);
        var patientId = await ClinicalData.PatientIdAsync(database, patient);
        var npi = await database.ScalarAsync<string>("""
            SELECT p.npi FROM clinical.practitioners p
            WHERE p.npi IS NOT NULL AND NOT EXISTS (SELECT FROM identity.users u WHERE u.practitioner_npi = p.npi)
            ORDER BY p.npi LIMIT 1
            """);
        var doctor = StayBundle.Practitioner(npi);
        var admitted = discharged.AddDays(-3);
        // An ambulatory encounter: no seeded rule applies to it, so the analysis (which the web host's job runner starts
        // after the import) adds nothing of its own to the deficiencies these tests place by hand.
        var stay = await Stays.ForStoredPatientAsync(database, patientId, "AMB", admitted, discharged);
        stay.Participant(doctor, "ATND");
        var note = stay.Document("11504-8", "Surgical operation note", admitted.AddHours(7), doctor, authenticated: false, NoteText);
        var order = stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", admitted.AddHours(1), doctor, "VERBAL");
        await Stays.ImportAsync(database, stay);
        var physician = await Personas.CreateAsync(services, Roles.Physician, npi: npi);
        return new InboxStay(
            patientId,
            await Stays.EncounterIdAsync(database, stay.EncounterFhirId),
            await database.ScalarAsync<Guid>($"SELECT id FROM clinical.practitioners WHERE npi = '{npi}' ORDER BY id LIMIT 1"),
            npi,
            await database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE fhir_id = '{note}'"),
            await database.ScalarAsync<Guid>($"SELECT id FROM clinical.medication_requests WHERE fhir_id = '{order}'"),
            physician,
            discharged);
    }

    /// <summary>Adds a deficiency (and the stay's row, once) as the analysis would leave it.</summary>
    public static async Task<Guid> DeficiencyAsync(
        TestDatabase database, InboxStay stay, string kind, DateTimeOffset due, Guid? responsible = null, string? documentType = null,
        Guid? documentId = null, Guid? orderId = null, DateTimeOffset? delinquentAt = null, DateTimeOffset? dischargedAt = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(stay);
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var discharged = dischargedAt ?? stay.DischargedAt;
        if (await db.Stays.FindAsync(stay.EncounterId) is null)
        {
            db.Stays.Add(new Stay
            {
                EncounterId = stay.EncounterId,
                PatientId = stay.PatientId,
                EncounterClass = "IMP",
                AdmittedAt = stay.DischargedAt.AddDays(-3),
                DischargedAt = stay.DischargedAt,
                Status = StayStatuses.Incomplete,
                OpenDeficiencies = 1,
                DelinquentAt = delinquentAt ?? stay.DischargedAt.AddDays(30),
                AnalysedAt = stay.DischargedAt,
            });
        }

        var id = Guid.CreateVersion7();
        db.Deficiencies.Add(new Deficiency
        {
            Id = id,
            EncounterId = stay.EncounterId,
            PatientId = stay.PatientId,
            Key = kind + ":" + id.ToString("N"),
            Kind = kind,
            Description = kind switch
            {
                DeficiencyKinds.Signature => "The operative report is not authenticated by its author.",
                DeficiencyKinds.OrderAuthentication => "A verbal order is not authenticated by the orderer.",
                _ => "The discharge summary is missing.",
            },
            DocumentType = documentType,
            DocumentId = documentId,
            OrderId = orderId,
            ResponsiblePractitionerId = responsible ?? stay.PractitionerId,
            Status = DeficiencyStatuses.Open,
            DischargedAt = discharged,
            DueAt = due,
            CreatedAt = stay.DischargedAt,
        });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>The services as the stay's physician acts (their own user, the Physician role).</summary>
    public static ServiceProvider AsPhysician(TestDatabase database, Persona physician, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(physician);
        var actor = new TestActor();
        actor.ActAs(physician.Id, physician.Email, physician.Role);
        return database.Services(actor, clock);
    }
}
