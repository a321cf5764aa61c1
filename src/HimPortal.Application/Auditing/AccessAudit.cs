using HimPortal.Data;
using HimPortal.Data.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Auditing;

/// <summary>
/// The one writer of the access audit. It appends in the caller's transaction, so the row commits or rolls back with
/// the action it records. It claims a hash-chain lane (held until commit), reads the lane's head, and appends the next link.
/// </summary>
public sealed class AccessAudit(HimDbContext db, IAuditActorAccessor actors, TimeProvider clock)
{
    private const string InsertSql = """
        INSERT INTO audit.access_events
            (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id,
             purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
        """;

    public async Task<AccessEvent> RecordAsync(AuditRecord record, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException(
                "The access audit is written in the transaction of the action it records: begin one (HimDbContext.InTransactionAsync) first.");
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();

        short lane;
        long headSeq;
        byte[] headHash;
        await using (var claim = new NpgsqlCommand("SELECT claimed_lane, head_seq, head_hash FROM audit.claim_lane($1, $2)", connection, npgsqlTransaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Random.Shared.Next(AuditChain.Lanes) });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AuditChain.Lanes });
            await using var reader = await claim.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            lane = reader.GetInt16(0);
            headSeq = reader.GetInt64(1);
            headHash = reader.IsDBNull(2) ? AuditChain.Genesis : (byte[])reader.GetValue(2);
        }

        var actor = record.Actor ?? actors.Current;
        var now = AuditChain.ToStoredPrecision(clock.GetUtcNow());
        var row = new AccessEvent
        {
            Id = Guid.CreateVersion7(now),
            OccurredAt = now,
            UserId = actor.UserId,
            UserName = Clip(actor.UserName, 256),
            Roles = [.. actor.Roles],
            Action = record.Action,
            Outcome = record.Outcome,
            PatientId = record.PatientId,
            ResourceType = record.ResourceType,
            ResourceId = Clip(record.ResourceId, 128),
            Purpose = Clip(record.Purpose, 1000),
            Details = Clip(record.Details, 4000),
            ClientIp = Clip(actor.ClientIp, 64),
            UserAgent = Clip(actor.UserAgent, 512),
            CorrelationId = Clip(actor.CorrelationId, 64),
            Lane = lane,
            LaneSeq = headSeq + 1,
            PrevHash = headHash,
            Hash = [],
        };
        row.Hash = AuditChain.ComputeHash(row);

        await using var insert = new NpgsqlCommand(InsertSql, connection, npgsqlTransaction);
        var p = insert.Parameters;
        p.Add(Param(row.Id, NpgsqlDbType.Uuid));
        p.Add(Param(row.OccurredAt, NpgsqlDbType.TimestampTz));
        p.Add(Param(row.UserId, NpgsqlDbType.Uuid));
        p.Add(Param(row.UserName, NpgsqlDbType.Varchar));
        p.Add(Param(row.Roles, NpgsqlDbType.Array | NpgsqlDbType.Text));
        p.Add(Param(row.Action, NpgsqlDbType.Varchar));
        p.Add(Param(row.Outcome, NpgsqlDbType.Varchar));
        p.Add(Param(row.PatientId, NpgsqlDbType.Uuid));
        p.Add(Param(row.ResourceType, NpgsqlDbType.Varchar));
        p.Add(Param(row.ResourceId, NpgsqlDbType.Varchar));
        p.Add(Param(row.Purpose, NpgsqlDbType.Varchar));
        p.Add(Param(row.Details, NpgsqlDbType.Varchar));
        p.Add(Param(row.ClientIp, NpgsqlDbType.Varchar));
        p.Add(Param(row.UserAgent, NpgsqlDbType.Varchar));
        p.Add(Param(row.CorrelationId, NpgsqlDbType.Varchar));
        p.Add(Param(row.Lane, NpgsqlDbType.Smallint));
        p.Add(Param(row.LaneSeq, NpgsqlDbType.Bigint));
        p.Add(Param(row.PrevHash, NpgsqlDbType.Bytea));
        p.Add(Param(row.Hash, NpgsqlDbType.Bytea));
        await insert.ExecuteNonQueryAsync(ct);
        return row;
    }

    /// <summary>Records an event in a transaction of its own, for events that have no other change to ride with (a sign-in, a view).</summary>
    public Task<AccessEvent> RecordAloneAsync(AuditRecord record, CancellationToken ct) =>
        db.Database.CurrentTransaction is null
            ? Common.Transactions.InTransactionAsync(db, token => RecordAsync(record, token), ct)
            : RecordAsync(record, ct);

    private static NpgsqlParameter Param(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static string? Clip(string? value, int max) => value is { Length: var n } && n > max ? value[..max] : value;
}
