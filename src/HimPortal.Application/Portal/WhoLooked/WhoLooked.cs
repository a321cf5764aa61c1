using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Data;
using HimPortal.Data.Audit;

namespace HimPortal.Application.Portal.WhoLooked;

/// <summary>
/// What "who looked at my chart" shows (issue 19 item 7) and in which words: the staff accesses to the person's records
/// from the access audit (views and changes, prints, exports, releases, emergency access), never the patient's or their
/// representative's own portal reads and never the system's jobs. The list and the flag ask the same question here, so
/// an entry one cannot see cannot be flagged either.
/// </summary>
public static class WhoLooked
{
    /// <summary>The audit actions that are someone opening or acting on the chart.</summary>
    public static readonly string[] Actions =
        [AuditAction.View, AuditAction.Create, AuditAction.Update, AuditAction.Delete, AuditAction.Print, AuditAction.Export, AuditAction.Disclose, AuditAction.BreakGlass];

    /// <summary>The accesses shown for the person's records: staff, successful, one of <see cref="Actions"/>.</summary>
    public static IQueryable<AccessEvent> Of(HimDbContext db, Guid[] records)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.AccessEvents.Where(e => e.PatientId != null && records.Contains(e.PatientId.Value) && e.UserId != null
                                          && e.Outcome == AuditOutcome.Success && Actions.Contains(e.Action)
                                          && !e.Roles.Contains(Roles.Patient) && !e.Roles.Contains(Roles.System));
    }

    /// <summary>The role the person acted in, in plain words (the roles the audit row recorded then, the most specific first).</summary>
    public static string RoleWords(IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        string[] order = [Roles.Physician, Roles.RoiSpecialist, Roles.HimManager, Roles.HimClerk, Roles.ComplianceOfficer, Roles.Administrator, Roles.Console];
        return order.FirstOrDefault(roles.Contains) switch
        {
            Roles.Physician => "physician",
            Roles.RoiSpecialist => "release-of-information specialist",
            Roles.HimManager => "health information manager",
            Roles.HimClerk => "health information clerk",
            Roles.ComplianceOfficer => "privacy and compliance officer",
            Roles.Administrator => "system administrator",
            Roles.Console => "hospital IT staff member",
            _ => "hospital staff member",
        };
    }

    /// <summary>What was done, as a verb on "your chart".</summary>
    public static string Verb(string action) => action switch
    {
        AuditAction.View => "opened",
        AuditAction.Create or AuditAction.Update or AuditAction.Delete => "made a change in",
        AuditAction.Print => "printed from",
        AuditAction.Export => "exported from",
        AuditAction.Disclose => "released a copy from",
        AuditAction.BreakGlass => "used emergency access to open",
        _ => "opened",
    };

    /// <summary>Why, in plain words, from the row's purpose of use: emergency access, care, hospital operations, release of information.</summary>
    public static string? Why(string action, string? purpose) => (action, purpose) switch
    {
        (AuditAction.BreakGlass, _) or (_, "ETREAT") => "emergency access",
        (_, "TREAT") => "for your care",
        (_, "HOPERAT") => "for the hospital's work (such as billing, coding or record keeping)",
        (_, "PATRQT") => "at your request",
        (AuditAction.Disclose, _) => "release of information",
        (_, { } p) when p.Contains("release of information", StringComparison.OrdinalIgnoreCase) => "release of information",
        _ => null,
    };

    /// <summary>"Dr. A. Smith, physician, emergency department, opened your chart on 3 May at 02:14, emergency access."</summary>
    public static string Sentence(string? name, string role, string? department, string action, string? why, DateTimeOffset local, int thisYear, bool representative)
    {
        var who = name is { Length: > 0 }
            ? $"{name}, {role}{(department is { Length: > 0 } d ? ", " + d : "")},"
            : $"A {role}{(department is { Length: > 0 } d2 ? " in " + d2 : "")}";
        var date = local.Year == thisYear
            ? local.ToString("d MMMM", CultureInfo.InvariantCulture)
            : local.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        var chart = representative ? "this chart" : "your chart";
        var sentence = $"{who} {Verb(action)} {chart} on {date} at {local.ToString("HH:mm", CultureInfo.InvariantCulture)}";
        return sentence + (why is null ? "." : $", {why}.");
    }
}
