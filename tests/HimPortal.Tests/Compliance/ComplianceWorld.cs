using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Access.SetRestriction;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>A staff member as privacy monitoring sees them: account, roles and profile.</summary>
public sealed record StaffMember(Guid Id, string Email, string Role);

/// <summary>
/// A test class's database with the application layer on a hand-moved clock: staff with profiles, patients (with
/// addresses, death dates, restrictions), audit events written at chosen times exactly as the chart writes them, and
/// the monitoring rules run on demand. Each test creates its own people, so tests in a class never see each other's alerts.
/// </summary>
public sealed class ComplianceWorld : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public TestClock Clock { get; } = new();

    public TestActor Actor { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Services = Database.Services(Actor, Clock);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>
    /// When the world's people and flags begin, unless a test says otherwise: before every event the tests write, since the
    /// rules judge an access by the profile, roles and restriction of its time.
    /// </summary>
    public static DateTimeOffset Beginning => DateTimeOffset.UtcNow.AddDays(-60);

    /// <param name="since">When the account is created (its profile and roles begin): <see cref="Beginning"/> by default.</param>
    public async Task<StaffMember> StaffAsync(string role, UserProfile? profile = null, string? npi = null, DateTimeOffset? since = null)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
        var email = $"{role.ToLowerInvariant()}.{Guid.NewGuid().ToString("N")[..10]}@test.himportal.example";
        var created = await AtAsync(since ?? Beginning, () => scope.ServiceProvider.GetRequiredService<CreateUserHandler>().HandleAsync(
            new CreateUserCommand(email, "Test " + role, [role], npi, PasswordGenerator.Generate(), profile), CancellationToken.None));
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        return new StaffMember(created.Value!.Id, email, role);
    }

    /// <summary>Runs <paramref name="work"/> with the clock at <paramref name="at"/>, then puts the clock back.</summary>
    public async Task<T> AtAsync<T>(DateTimeOffset at, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var was = Clock.GetUtcNow();
        Clock.Set(at);
        try
        {
            return await work();
        }
        finally
        {
            Clock.Set(was);
        }
    }

    public async Task<Guid> PatientAsync(string given, string family, string? mrn = null, string? address = null, string? postalCode = null,
        DateTimeOffset? diedAt = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var id = Guid.CreateVersion7();
        db.Set<Patient>().Add(new Patient
        {
            Id = id,
            FhirId = id.ToString("N"),
            Resource = "{}",
            SourceHash = new byte[32],
            ImportedAt = Clock.GetUtcNow(),
            Mrn = mrn ?? "MRN-" + id.ToString("N")[..10],
            GivenNames = given,
            FamilyName = family,
            SearchName = Application.Patients.PatientNames.Fold($"{given} {family}"),
            BirthDate = new DateOnly(1970, 1, 1),
            Sex = "female",
            AddressLine = address,
            City = address is null ? null : "Springfield",
            State = address is null ? null : "MA",
            PostalCode = postalCode,
            Deceased = diedAt is not null,
            DeceasedAt = diedAt,
        });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>
    /// HIM staff (<paramref name="by"/>, or the world's own clerk) set the patient's restriction at <paramref name="at"/>
    /// (<see cref="Beginning"/> by default), through the handler the chart-access page uses: the row, its dated history
    /// and the audit row of the change.
    /// </summary>
    public async Task RestrictAsync(Guid patient, bool vip = false, bool employee = false, string? department = null, DateTimeOffset? at = null,
        StaffMember? by = null)
    {
        by ??= _flagger ??= await StaffAsync(Roles.HimClerk);
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(new AuditActor(by.Id, by.Email, [by.Role], "10.1.2.4", "xunit", null));
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var version = await db.PatientRestrictions.Where(r => r.PatientId == patient).Select(r => (uint?)r.Version).SingleOrDefaultAsync();
        var result = await AtAsync(at ?? Beginning, () => scope.ServiceProvider.GetRequiredService<SetRestrictionHandler>()
            .HandleAsync(new SetRestrictionCommand(patient, vip, employee, department, null, version), CancellationToken.None));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
    }

    private StaffMember? _flagger;

    /// <summary>A chart view as ChartGate.RecordViewAsync writes it, by <paramref name="who"/> at <paramref name="at"/>.</summary>
    public Task ViewAsync(StaffMember who, Guid patient, DateTimeOffset at, string purpose = "TREAT", string basis = "treatment-relationship") =>
        EventAsync(who, at, new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", patient.ToString("D"), patient, purpose,
            $"sections=demographics,encounters,problems,medications,allergies,lab-results; basis={basis}"));

    /// <summary>A refused chart open as ChartGate.RecordDenialAsync writes it.</summary>
    public Task RefusedAsync(StaffMember who, Guid patient, DateTimeOffset at) =>
        EventAsync(who, at, new AuditRecord(AuditAction.View, AuditOutcome.Denied, "Chart", patient.ToString("D"), patient,
            "no treatment relationship", "outcome=break-glass-required; break-the-glass offered"));

    /// <summary>
    /// An event of <paramref name="who"/> at <paramref name="at"/>, in the past: history written as the owner's synthetic
    /// path writes it (<see cref="AuditHistory"/>), since the application's append takes the database's time.
    /// </summary>
    public async Task EventAsync(StaffMember who, DateTimeOffset at, AuditRecord record, string[]? roles = null)
    {
        ArgumentNullException.ThrowIfNull(who);
        await Database.WriteAsync(at, record, new AuditActor(who.Id, who.Email, roles ?? [who.Role], "10.1.2.3", "xunit", null));
    }

    /// <summary>Runs every enabled rule on demand, as a compliance officer, over the last <paramref name="days"/> days.</summary>
    public async Task<MonitoringRunResult> RunRulesAsync(int days = 9)
    {
        Clock.Set(DateTimeOffset.UtcNow);
        await using var scope = Services.CreateAsyncScope();
        ActAsComplianceOfficer();
        var result = await scope.ServiceProvider.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: false, days), CancellationToken.None);
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value!;
    }

    public void ActAsComplianceOfficer(Guid? id = null) => Actor.ActAs(id ?? Guid.NewGuid(), "officer@test.himportal.example", Roles.ComplianceOfficer);

    public async Task<List<(string Summary, int Events, Guid? Patient, string Evidence)>> AlertsAsync(string rule, Guid user)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var rows = await db.PrivacyAlerts.AsNoTracking().Where(a => a.RuleCode == rule && a.UserId == user).OrderBy(a => a.FirstEventAt)
            .Select(a => new { a.Summary, a.EventCount, a.PatientId, a.Evidence }).ToListAsync();
        return rows.Select(r => (r.Summary, r.EventCount, r.PatientId, r.Evidence)).ToList();
    }

    public async Task<Result<T>> AsAsync<T>(Func<IServiceProvider, Task<Result<T>>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>The latest weekday (UTC) before today, at <paramref name="hour"/>: after-hours rules count weekends apart.</summary>
    public static DateTimeOffset RecentWeekday(int hour, int minute = 0)
    {
        var day = DateTime.UtcNow.Date.AddDays(-1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(day.AddHours(hour).AddMinutes(minute), TimeSpan.Zero);
    }
}
