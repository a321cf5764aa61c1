using HimPortal.Data;
using HimPortal.Data.Auditing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Auditing.VerifyAuditChain;

public sealed record VerifyAuditChainQuery;

public sealed record AuditChainBreak(Guid RowId, short Lane, long LaneSeq, DateTimeOffset OccurredAt, string Problem);

public sealed record AuditChainReport(long RowsChecked, int LanesSeen, AuditChainBreak? FirstBreak, IReadOnlyList<AuditChainBreak> Breaks)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Walks every lane of the audit hash chain in order and recomputes each link. It names a row whose content changed
/// (hash mismatch), a row that follows a removed one (sequence gap) and a row chained to the wrong predecessor
/// (inserted out of order). Streams the table, so memory stays flat however many rows there are.
/// </summary>
public sealed class VerifyAuditChainHandler(HimDbContext db)
{
    private const string Sql = """
        SELECT id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id,
               purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash
        FROM audit.access_events
        ORDER BY lane, lane_seq
        """;

    public async Task<AuditChainReport> HandleAsync(VerifyAuditChainQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var openedHere = connection.State != System.Data.ConnectionState.Open;
        if (openedHere)
        {
            await connection.OpenAsync(ct);
        }

        try
        {
            return await WalkAsync(connection, ct);
        }
        finally
        {
            if (openedHere)
            {
                await connection.CloseAsync();
            }
        }
    }

    private static async Task<AuditChainReport> WalkAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var breaks = new List<AuditChainBreak>();
        long rows = 0;
        var lanes = 0;
        short? lane = null;
        long expectedSeq = 1;
        var previousHash = AuditChain.Genesis;
        var laneBroken = false;

        while (await reader.ReadAsync(ct))
        {
            var row = new AccessEvent
            {
                Id = reader.GetGuid(0),
                OccurredAt = reader.GetFieldValue<DateTimeOffset>(1),
                UserId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
                UserName = reader.IsDBNull(3) ? null : reader.GetString(3),
                Roles = reader.GetFieldValue<string[]>(4),
                Action = reader.GetString(5),
                Outcome = reader.GetString(6),
                PatientId = reader.IsDBNull(7) ? null : reader.GetGuid(7),
                ResourceType = reader.IsDBNull(8) ? null : reader.GetString(8),
                ResourceId = reader.IsDBNull(9) ? null : reader.GetString(9),
                Purpose = reader.IsDBNull(10) ? null : reader.GetString(10),
                Details = reader.IsDBNull(11) ? null : reader.GetString(11),
                ClientIp = reader.IsDBNull(12) ? null : reader.GetString(12),
                UserAgent = reader.IsDBNull(13) ? null : reader.GetString(13),
                CorrelationId = reader.IsDBNull(14) ? null : reader.GetString(14),
                Lane = reader.GetInt16(15),
                LaneSeq = reader.GetInt64(16),
                PrevHash = reader.GetFieldValue<byte[]>(17),
                Hash = reader.GetFieldValue<byte[]>(18),
            };
            rows++;

            if (row.Lane != lane)
            {
                lane = row.Lane;
                lanes++;
                expectedSeq = 1;
                previousHash = AuditChain.Genesis;
                laneBroken = false;
            }

            var problem = Check(row, expectedSeq, previousHash);
            if (problem is not null && !laneBroken)
            {
                // Only the first break of a lane is reported: everything after it is suspect anyway.
                breaks.Add(new AuditChainBreak(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, problem));
                laneBroken = true;
            }

            expectedSeq = row.LaneSeq + 1;
            previousHash = row.Hash;
        }

        var first = breaks.OrderBy(b => b.OccurredAt).ThenBy(b => b.Lane).FirstOrDefault();
        return new AuditChainReport(rows, lanes, first, breaks);
    }

    private static string? Check(AccessEvent row, long expectedSeq, byte[] previousHash)
    {
        if (row.LaneSeq > expectedSeq)
        {
            return $"row(s) missing before it: lane {row.Lane} jumps from sequence {expectedSeq - 1} to {row.LaneSeq}";
        }

        if (!row.PrevHash.AsSpan().SequenceEqual(previousHash))
        {
            return $"out of order: its previous-row hash does not match row {expectedSeq - 1} of lane {row.Lane}";
        }

        if (!AuditChain.ComputeHash(row).AsSpan().SequenceEqual(row.Hash))
        {
            return "altered: its content no longer matches its hash";
        }

        return null;
    }
}
