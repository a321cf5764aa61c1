using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Compliance.Monitoring;

public enum RuleParameterKind
{
    WholeNumber,
    Number,
    Boolean,

    /// <summary>Comma-separated words (role names, family names to ignore).</summary>
    List,
}

/// <summary>One knob of a rule: its name in the stored settings and in the rule's SQL (@p_name), its default and its range.</summary>
public sealed record RuleParameter(string Name, string Label, RuleParameterKind Kind, string Default, double? Min = null, double? Max = null, string? Help = null)
{
    /// <summary>Parses a value as typed by a compliance officer; the error names the parameter and what it accepts.</summary>
    public bool TryParse(string? text, out object value, out string? error)
    {
        text = (text ?? "").Trim();
        error = null;
        switch (Kind)
        {
            case RuleParameterKind.Boolean:
                value = text is "true" or "on" or "yes" or "1";
                if (text is not ("true" or "on" or "yes" or "1" or "false" or "off" or "no" or "0" or ""))
                {
                    error = $"{Label}: answer yes or no.";
                }

                return error is null;
            case RuleParameterKind.WholeNumber:
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) || !InRange(integer))
                {
                    value = 0;
                    error = $"{Label}: give a whole number{RangeText()}.";
                    return false;
                }

                value = integer;
                return true;
            case RuleParameterKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number) || !InRange(number))
                {
                    value = 0d;
                    error = $"{Label}: give a number{RangeText()}.";
                    return false;
                }

                value = number;
                return true;
            default:
                var words = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (words.Any(w => w.Length > 100) || words.Length > 200)
                {
                    value = Array.Empty<string>();
                    error = $"{Label}: at most 200 entries of at most 100 characters, separated by commas.";
                    return false;
                }

                value = words;
                return true;
        }
    }

    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        string[] words => string.Join(", ", words),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public NpgsqlParameter ToSqlParameter(object value) => Kind switch
    {
        RuleParameterKind.Boolean => new NpgsqlParameter<bool>("p_" + Name, (bool)value),
        RuleParameterKind.WholeNumber => new NpgsqlParameter<int>("p_" + Name, (int)value),
        RuleParameterKind.Number => new NpgsqlParameter<double>("p_" + Name, (double)value),
        _ => new NpgsqlParameter("p_" + Name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (string[])value },
    };

    private bool InRange(double value) => (Min is null || value >= Min) && (Max is null || value <= Max);

    private string RangeText() => (Min, Max) switch
    {
        ({ } min, { } max) => string.Create(CultureInfo.InvariantCulture, $" from {min} to {max}"),
        ({ } min, null) => string.Create(CultureInfo.InvariantCulture, $" of at least {min}"),
        _ => "",
    };
}

/// <summary>
/// A privacy-monitoring rule (docs/adr/0009-privacy-monitoring-rules.md): set-based SQL over a window of the access log
/// that yields alert candidates, one per rule, user, patient (when there is one) and hospital day. The engine runs it
/// inside one INSERT … ON CONFLICT, so a rule costs one statement however many alerts it raises, and re-running a
/// window adds evidence to open alerts instead of raising them twice.
/// </summary>
public abstract class MonitoringRule
{
    public abstract string Code { get; }

    public abstract string Title { get; }

    /// <summary>What the rule catches and why it matters, for the compliance officer tuning it.</summary>
    public abstract string Description { get; }

    public virtual bool EnabledByDefault => true;

    public virtual IReadOnlyList<RuleParameter> Parameters => [];

    /// <summary>
    /// CTEs after <c>accesses</c> (<see cref="RuleSql.Accesses"/>), the last named <c>candidates</c> with the columns
    /// dedupe_key, user_id, user_name, patient_id, first_at, last_at, event_count, summary, facts (jsonb), events (jsonb).
    /// Bound: @from, @to (the window), @tz (the hospital's time zone) and @p_&lt;parameter&gt; for each parameter.
    /// </summary>
    public abstract string CandidatesSql { get; }

    /// <summary>The stored values over the defaults; a stored value that no longer parses falls back to its default.</summary>
    public IReadOnlyDictionary<string, object> Resolve(string? storedJson)
    {
        JsonObject? stored = null;
        if (!string.IsNullOrWhiteSpace(storedJson))
        {
            stored = JsonNode.Parse(storedJson) as JsonObject;
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            var text = stored?[parameter.Name] is { } node ? (node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString()) : null;
            values[parameter.Name] = text is not null && parameter.TryParse(text, out var value, out _)
                ? value
                : Parsed(parameter, parameter.Default);
        }

        return values;
    }

    public static string ToJson(IReadOnlyList<RuleParameter> parameters, IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(values);
        var json = new JsonObject();
        foreach (var parameter in parameters)
        {
            json[parameter.Name] = RuleParameter.Format(values[parameter.Name]);
        }

        return json.ToJsonString();
    }

    private static object Parsed(RuleParameter parameter, string text) =>
        parameter.TryParse(text, out var value, out var error) ? value : throw new InvalidOperationException($"Default of {parameter.Name}: {error}");
}

/// <summary>SQL shared by the rules.</summary>
public static class RuleSql
{
    /// <summary>
    /// Patient-record accesses in the window: chart, encounter and note views, prints, exports, disclosures and grants,
    /// by a signed-in user, that succeeded (<see cref="Watched"/>).
    /// </summary>
    public static readonly string Accesses = $"""
        accesses AS (
            SELECT e.id, e.occurred_at, e.user_id, e.user_name, e.roles, e.action, e.outcome, e.patient_id, e.resource_type,
                   e.resource_id, e.purpose, e.details, (e.occurred_at AT TIME ZONE @tz)::date AS local_day
            FROM audit.access_events e
            WHERE e.occurred_at >= @from AND e.occurred_at < @to
              AND {Watched("e")}
        )
        """;

    /// <summary>
    /// Whether the audit row <paramref name="e"/> is an access to watch: a successful patient-record access (view, print,
    /// export, disclosure, break-the-glass) by a signed-in user. Not watched: a compliance reviewer's work on the log itself
    /// (access-log searches, reviews), a patient reading their own portal, and the flagging of a record: an HIM action that
    /// is itself the restriction is not snooping on it. The restriction change is an update (never watched); the
    /// access-management page views that made it are the user's last view of that page for the patient before the change
    /// (within an hour: the page had to be open, with the session alive) and their first after it (within a minute: the
    /// page the change redirects to). A save that changed nothing began no period of the restriction's history and
    /// exempts nothing: re-saving a flag cannot hide a look at a VIP's page.
    /// </summary>
    public static string Watched(string e) => $"""
        {e}.patient_id IS NOT NULL AND {e}.user_id IS NOT NULL AND {e}.outcome = 'success'
              AND {e}.action IN ('view', 'print', 'export', 'disclose', 'break-glass')
              AND {e}.resource_type NOT IN ('AccessLog', 'BreakGlassAccess', 'PrivacyAlert')
              AND {e}.roles <> ARRAY['Patient']::text[]
              AND NOT ({e}.resource_type = 'ChartAccess' AND EXISTS (
                  SELECT 1 FROM audit.access_events f
                  WHERE f.patient_id = {e}.patient_id AND f.user_id = {e}.user_id
                    AND f.resource_type = 'PatientRestriction' AND f.action = 'update' AND f.outcome = 'success'
                    AND f.occurred_at >= {e}.occurred_at - interval '1 minute' AND f.occurred_at <= {e}.occurred_at + interval '1 hour'
                    AND EXISTS (
                        SELECT 1 FROM access.restriction_history h
                        WHERE h.patient_id = f.patient_id AND h.changed_by_user_id = f.user_id
                          AND h.valid_from <= f.occurred_at AND h.valid_from > f.occurred_at - interval '1 minute')
                    AND NOT EXISTS (
                        SELECT 1 FROM audit.access_events v
                        WHERE v.patient_id = {e}.patient_id AND v.user_id = {e}.user_id AND v.resource_type = 'ChartAccess'
                          AND v.action = 'view' AND v.id <> {e}.id
                          AND v.occurred_at > least({e}.occurred_at, f.occurred_at) AND v.occurred_at < greatest({e}.occurred_at, f.occurred_at))))
        """;

    /// <summary>
    /// The history row <paramref name="h"/> (Access/History: restriction, profile, roles, assignment) was the one in force
    /// at <paramref name="at"/>: each access is judged by the facts of its time, not by today's.
    /// </summary>
    public static string ValidAt(string h, string at) => $"{h}.valid_from <= {at} AND ({h}.valid_to IS NULL OR {at} < {h}.valid_to)";

    /// <summary>The first 50 matched events (alias m) as evidence: enough to judge, bounded however busy the day was.</summary>
    public const string EventsJson = """
        to_jsonb((array_agg(jsonb_build_object('id', m.id, 'at', m.occurred_at, 'action', m.action, 'outcome', m.outcome,
            'resource', m.resource_type, 'resourceId', m.resource_id, 'purpose', m.purpose, 'details', m.details)
            ORDER BY m.occurred_at, m.id))[1:50])
        """;

    /// <summary>
    /// Candidates for a rule that matches single accesses: <paramref name="matchSql"/> selects <c>a.*</c> of
    /// <c>accesses a</c> plus <c>facts</c> (jsonb) and <c>summary</c> (text); one alert per user, patient and day.
    /// </summary>
    public static string PerUserPatientDay(string code, string matchSql) => $"""
        matched AS ({matchSql}),
        candidates AS (
            SELECT '{code}:' || m.user_id || ':' || m.patient_id || ':' || m.local_day AS dedupe_key,
                   m.user_id, max(m.user_name) AS user_name, m.patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   min(m.summary) AS summary, (array_agg(m.facts ORDER BY m.occurred_at))[1] AS facts, {EventsJson} AS events
            FROM matched m
            GROUP BY m.user_id, m.patient_id, m.local_day
        )
        """;

    /// <summary>The patient's name as the summaries show it.</summary>
    public const string PatientName = "btrim(coalesce(p.given_names, '') || ' ' || coalesce(p.family_name, ''))";
}
