using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Data.Access;
using HimPortal.Tests.Infrastructure;
using Npgsql;

namespace HimPortal.Tests.Data;

/// <summary>
/// The AccessHistory migration's backfill: existing rows become periods valid from their creation, and where the audit
/// shows a later change the periods between are rebuilt from it (restriction and role values as recorded; a profile field
/// that changed later is unknown before its change), so the backfill does not apply today's facts to earlier accesses.
/// </summary>
public sealed class AccessHistoryBackfillTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-20);

    private async Task<Guid> UserAsync(string email, string role, string? department, string? familyName)
    {
        var id = Guid.CreateVersion7();
        await database.ExecuteAsync($"""
            INSERT INTO identity.users (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count, department, family_name)
            VALUES ('{id}', 'Backfilled', '{T0:O}', '{email}', upper('{email}'), '{email}', upper('{email}'), true, 's', 'c', false, false, true, 0,
                    {Text(department)}, {Text(familyName)});
            INSERT INTO identity.user_roles (user_id, role_id) SELECT '{id}', id FROM identity.roles WHERE name = '{role}';
            """);
        return id;
    }

    private async Task<Guid> PatientAsync()
    {
        var id = Guid.CreateVersion7();
        await database.ExecuteAsync($"""
            INSERT INTO clinical.patients (id, fhir_id, resource, source_hash, imported_at, mrn, family_name, given_names, search_name, deceased)
            VALUES ('{id}', '{id:N}', '{"{}"}', decode(repeat('00', 32), 'hex'), now(), 'BF-{id.ToString("N")[..8]}', 'Fill', 'Back', 'back fill', false)
            """);
        return id;
    }

    private static string Text(string? value) => value is null ? "NULL" : $"'{value}'";

    /// <summary>Audit history in the past, written as the owner's synthetic path writes it (the application's append takes the database's time).</summary>
    private async Task AuditAsync(DateTimeOffset at, AuditRecord record) =>
        await database.WriteAsync(at, record, new AuditActor(null, "backfill-test", [Roles.Console], null, "xunit", null));

    private Task<string> PeriodsAsync(string sql) => database.ScalarAsync<string>(sql);

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Existing_rows_become_periods_from_their_creation_rebuilt_from_the_audit_where_it_shows_changes()
    {
        var changed = await UserAsync("changed@backfill.example", Roles.HimManager, "Cardiology", "Nguyen");
        var steady = await UserAsync("steady@backfill.example", Roles.Physician, "Radiology", null);
        await AuditAsync(T0.AddDays(1), new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", changed.ToString(),
            Details: "roles changed from [HimClerk] to [HimManager]; sessions ended"));
        await AuditAsync(T0.AddDays(2), new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "User", changed.ToString(),
            Details: "profile updated: department"));

        var flagged = await PatientAsync();
        var unexplained = await PatientAsync();
        await database.ExecuteAsync($"""
            INSERT INTO access.patient_restrictions (patient_id, vip, employee, employee_department, note, updated_at)
            VALUES ('{flagged}', true, false, NULL, 'press', '{T0.AddDays(4):O}'), ('{unexplained}', true, false, NULL, NULL, '{T0.AddDays(5):O}');
            INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at, ends_at, revoked_at)
            VALUES ('{Guid.CreateVersion7()}', '{flagged}', '{steady}', 'consult', '{T0.AddDays(1):O}', '{T0.AddDays(30):O}', '{T0.AddDays(2):O}'),
                   ('{Guid.CreateVersion7()}', '{unexplained}', '{steady}', 'transfer', '{T0.AddDays(1):O}', NULL, NULL);
            """);
        await AuditAsync(T0.AddDays(3), new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientRestriction", null, flagged, "HOPERAT",
            "vip=False; employee=True; department=Radiology"));
        await AuditAsync(T0.AddDays(4), new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientRestriction", null, flagged, "HOPERAT",
            "vip=True; employee=False; department="));

        await database.ExecuteAsync(AccessHistorySql.Backfill, database.OwnerConnectionString);

        const string Period = "to_char(valid_from AT TIME ZONE 'UTC', 'MM-DD') || '..' || coalesce(to_char(valid_to AT TIME ZONE 'UTC', 'MM-DD'), 'now')";
        (await PeriodsAsync($"SELECT string_agg(array_to_string(roles, ',') || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.user_role_history WHERE user_id = '{changed}'"))
            .ShouldBe($"HimClerk {At(T0)}..{At(T0.AddDays(1))} | HimManager {At(T0.AddDays(1))}..now");
        (await PeriodsAsync($"SELECT string_agg(coalesce(department, '?') || '/' || coalesce(family_name, '?') || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.user_profile_history WHERE user_id = '{changed}'"))
            .ShouldBe($"?/Nguyen {At(T0)}..{At(T0.AddDays(2))} | Cardiology/Nguyen {At(T0.AddDays(2))}..now", "the department changed later: unknown before");
        (await PeriodsAsync($"SELECT string_agg(array_to_string(roles, ',') || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.user_role_history WHERE user_id = '{steady}'"))
            .ShouldBe($"Physician {At(T0)}..now");
        (await PeriodsAsync($"SELECT string_agg(coalesce(department, '?') || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.user_profile_history WHERE user_id = '{steady}'"))
            .ShouldBe($"Radiology {At(T0)}..now");
        (await PeriodsAsync($"SELECT string_agg(CASE WHEN vip THEN 'VIP' WHEN employee THEN 'employee ' || employee_department ELSE 'none' END || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.restriction_history WHERE patient_id = '{flagged}'"))
            .ShouldBe($"employee Radiology {At(T0.AddDays(3))}..{At(T0.AddDays(4))} | VIP {At(T0.AddDays(4))}..now");
        (await PeriodsAsync($"SELECT string_agg(CASE WHEN vip THEN 'VIP' ELSE 'none' END || ' ' || {Period}, ' | ' ORDER BY valid_from) FROM access.restriction_history WHERE patient_id = '{unexplained}'"))
            .ShouldBe($"VIP {At(T0.AddDays(5))}..now", "no audit explains it: valid from its last update");
        (await PeriodsAsync($"SELECT string_agg(reason || ' ' || {Period}, ' | ' ORDER BY reason) FROM access.assignment_history WHERE user_id = '{steady}'"))
            .ShouldBe($"consult {At(T0.AddDays(1))}..{At(T0.AddDays(2))} | transfer {At(T0.AddDays(1))}..now");
    }
}

/// <summary>A period of the access history can only be ended, or ended earlier; it is never rewritten, reopened or deleted.</summary>
public sealed class AccessHistoryGuardTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_period_may_only_be_ended_or_ended_earlier()
    {
        await using var services = database.Services();
        var persona = await Personas.CreateAsync(services, Roles.HimClerk);
        var where = $"WHERE user_id = '{persona.Id}'";
        (await database.ScalarAsync<string>($"SELECT array_to_string(roles, ',') FROM access.user_role_history {where} AND valid_to IS NULL"))
            .ShouldBe(Roles.HimClerk, "CreateUser opens the account's first period");

        foreach (var sql in new[]
                 {
                     $"UPDATE access.user_role_history SET roles = '{{Administrator}}' {where}",
                     $"UPDATE access.user_role_history SET valid_from = valid_from - interval '1 day' {where}",
                     $"DELETE FROM access.user_role_history {where}",
                 })
        {
            var refused = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql, database.AppConnectionString));
            refused.MessageText.ShouldContain("access.user_role_history is a history", Case.Sensitive, sql);
        }

        (await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync("TRUNCATE access.user_profile_history", database.OwnerConnectionString)))
            .MessageText.ShouldContain("is a history");

        await database.ExecuteAsync($"UPDATE access.user_role_history SET valid_to = valid_from + interval '2 days' {where}", database.AppConnectionString);
        await database.ExecuteAsync($"UPDATE access.user_role_history SET valid_to = valid_from + interval '1 day' {where}", database.AppConnectionString);
        foreach (var sql in new[]
                 {
                     $"UPDATE access.user_role_history SET valid_to = valid_from + interval '3 days' {where}",
                     $"UPDATE access.user_role_history SET valid_to = NULL {where}",
                 })
        {
            (await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql, database.AppConnectionString))).MessageText.ShouldContain("may only be ended");
        }

        (await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(
                $"UPDATE access.user_role_history SET valid_to = valid_from - interval '1 second' {where}", database.AppConnectionString)))
            .ConstraintName.ShouldBe("ck_user_role_history_period");
    }
}
