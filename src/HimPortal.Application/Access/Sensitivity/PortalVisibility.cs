using System.Data.Common;
using HimPortal.Application.Common;
using HimPortal.Data;
using Npgsql;

namespace HimPortal.Application.Access.Sensitivity;

/// <summary>
/// What of a person's record the portal may show its reader, written once for every portal read (the record, a copy's
/// packet scope): everything, without waiting for a release (45 CFR 171.103), except
/// <list type="bullet">
/// <item>psychotherapy notes (<see cref="PsychotherapyNotes"/>): outside the right of access, 45 CFR 164.524(a)(1)(i);</item>
/// <item>for a personal representative whose grant hides it, care the minor lawfully consented to alone
/// (<see cref="MinorConsentedCare"/>, 45 CFR 164.502(g)(3)), on the item, on its encounter, or on the whole record;</item>
/// <item>an item under an information-blocking hold in force, with its exception and reason recorded (45 CFR 171.201-204).</item>
/// </list>
/// The person's hiding labels and holds are few: they are read once (one query, or one command of the caller's batch) and
/// every item is checked in memory, which costs less than an anti-join per row of a large record.
/// </summary>
public sealed class PortalVisibility
{
    public const string PsychotherapyNotes = "PSYTHPN";
    public const string MinorConsentedCare = "MINORCNS";

    /// <summary>The whole record, as labels name it (<see cref="LabelledItems.Patient"/>).</summary>
    private const string WholeRecord = LabelledItems.Patient;

    // $1: the person's records; $2: the label codes that hide an item from this reader. A label row says "label", a hold "hold".
    private const string Sql = """
        SELECT l.resource_type, l.resource_id, l.label_code FROM access.item_sensitivity_labels l
        WHERE l.patient_id = ANY($1) AND l.removed_at IS NULL AND l.label_code = ANY($2)
        UNION ALL
        SELECT h.resource_type, h.resource_id, 'hold' FROM portal.holds h WHERE h.patient_id = ANY($1) AND h.lifted_at IS NULL
        """;

    private readonly HashSet<(string Type, Guid Id)> _hidden = [];
    private readonly HashSet<Guid> _hiddenEncounters = [];
    private readonly HashSet<(string Type, Guid Id)> _held = [];
    private bool _wholeRecordHidden;

    private PortalVisibility()
    {
    }

    /// <summary>The labels that hide an item from this reader: psychotherapy notes always; minor-consented care from a proxy whose grant says so.</summary>
    public static string[] HidingLabels(PortalProxy? proxy) => [PsychotherapyNotes, .. RepresentativeLabels(proxy)];

    /// <summary>
    /// The labels that hide an item from this reader because they read as a personal representative: minor-consented care
    /// when the grant hides it (45 CFR 164.502(g)(3)); none for the patient. A copy the representative asks for records
    /// these (ReleaseRequest.HiddenLabels) so that its packet leaves out what the portal would not show them.
    /// </summary>
    public static string[] RepresentativeLabels(PortalProxy? proxy) => proxy is { HidesMinorConsentedCare: true } ? [MinorConsentedCare] : [];

    /// <summary>Reads the person's hiding labels and holds in force in a query of its own, in the caller's transaction.</summary>
    public static async Task<PortalVisibility> ReadAsync(HimDbContext db, IReadOnlyCollection<Guid> records, PortalProxy? proxy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var batch = db.NewBatch();
        batch.BatchCommands.Add(Command(records, proxy));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, ct);
    }

    /// <summary>The query as one command of a caller's batch (<see cref="ReadAsync(DbDataReader, CancellationToken)"/> reads its rows).</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyCollection<Guid> records, PortalProxy? proxy)
    {
        ArgumentNullException.ThrowIfNull(records);
        var command = new NpgsqlBatchCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. records] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = HidingLabels(proxy) });
        return command;
    }

    /// <summary>Reads the rows of <see cref="Command"/>'s result.</summary>
    public static async Task<PortalVisibility> ReadAsync(DbDataReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var visibility = new PortalVisibility();
        while (await reader.ReadAsync(ct))
        {
            var type = reader.GetString(0);
            var id = reader.GetGuid(1);
            var kind = reader.GetString(2);
            if (kind == "hold")
            {
                visibility._held.Add((type, id));
            }
            else if (type == WholeRecord)
            {
                visibility._wholeRecordHidden = true;
            }
            else
            {
                visibility._hidden.Add((type, id));
                if (type == LabelledItems.Encounter)
                {
                    visibility._hiddenEncounters.Add(id);
                }
            }
        }

        return visibility;
    }

    /// <summary>
    /// Whether the portal shows the item: no hiding label on it, on its encounter or on the whole record, and no hold in
    /// force on it. <paramref name="resourceType"/> names the item as labels and holds do (FHIR type: DocumentReference for a note).
    /// </summary>
    public bool Shows(string resourceType, Guid id, Guid? encounterId = null) =>
        !_wholeRecordHidden
        && !_hidden.Contains((resourceType, id))
        && !_held.Contains((resourceType, id))
        && (encounterId is not { } encounter || !_hiddenEncounters.Contains(encounter));

    /// <summary>Whether the item is held back under an information-blocking hold (not hidden by a label).</summary>
    public bool IsHeld(string resourceType, Guid id) => _held.Contains((resourceType, id));

    /// <summary>How many items are held back: the portal says that some are, and why in general, never which.</summary>
    public int HeldCount => _held.Count;
}
