using HimPortal.Data;
using HimPortal.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Audit;

/// <summary>
/// The access audit for work done through the DbContext. It appends in the caller's transaction, so the row commits or
/// rolls back with the action it records (<see cref="AuditAppender"/> writes it).
/// </summary>
public sealed class AccessAudit(HimDbContext db, IAuditActorAccessor actors, TimeProvider clock)
{
    private readonly AuditAppender _appender = new(actors, clock);

    public async Task<AccessEvent> RecordAsync(AuditRecord record, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException(
                "The access audit is written in the transaction of the action it records: begin one (HimDbContext.InTransactionAsync) first.");
        return await _appender.AppendAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), record, ct);
    }

    /// <summary>
    /// An append to send in the caller's own batch, in the current transaction (see <see cref="AuditAppender.Prepare"/>).
    /// </summary>
    public (AccessEvent Row, NpgsqlBatchCommand Command) Prepare(AuditRecord record)
    {
        _ = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("The access audit is written in the transaction of the action it records.");
        return _appender.Prepare(record);
    }

    /// <summary>
    /// Records an event that has no other change to ride with (a sign-in, a view) in a transaction of its own: the single
    /// INSERT commits by itself, which holds the lane until it is durable like any other transaction.
    /// </summary>
    public async Task<AccessEvent> RecordAloneAsync(AuditRecord record, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (db.Database.CurrentTransaction is { } transaction)
        {
            return await _appender.AppendAsync(connection, (NpgsqlTransaction)transaction.GetDbTransaction(), record, ct);
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await _appender.AppendAsync(connection, null, record, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// The one writer of the access audit, on any Npgsql connection (the DbContext's, or the bulk import's own). It claims
/// a hash-chain lane (held until commit), reads the lane's head, and appends the next link, in the transaction given.
/// </summary>
public sealed class AuditAppender(IAuditActorAccessor actors, TimeProvider clock)
{
    // One statement, one round trip: audit.append claims a lane (an advisory lock held to commit), reads the lane's head
    // from audit.lane_heads, stamps the time itself (never later than the lane's last row), computes the link over that
    // time and the content digest sent with it (AuditChain.TimedLink), inserts the row into its month's partition and
    // moves the head. The caller gives no time (docs/adr/0020); the application role may not INSERT into the table itself.
    private const string InsertSql = """
        SELECT appended_lane, appended_seq, appended_prev_hash, appended_hash, appended_at
        FROM audit.append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
        """;

    /// <summary>Appends <paramref name="record"/> in <paramref name="transaction"/>, or alone (committing itself) when it is null.</summary>
    public async Task<AccessEvent> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AuditRecord record, CancellationToken ct)
    {
        var row = NewRow(record);
        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(insert.Parameters, row);
        await using var reader = await insert.ExecuteReaderAsync(ct);
        await ReadLinkAsync(reader, row, ct);
        return row;
    }

    /// <summary>
    /// The append as one command of a batch the caller sends (a read and its audit row in one round trip). The caller
    /// must hand the command's result to <see cref="ReadLinkAsync"/>: until then the row is not known to be written.
    /// </summary>
    public (AccessEvent Row, NpgsqlBatchCommand Command) Prepare(AuditRecord record)
    {
        var row = NewRow(record);
        var command = new NpgsqlBatchCommand(InsertSql);
        AddParameters(command.Parameters, row);
        return (row, command);
    }

    /// <summary>Reads the chain link PostgreSQL gave the appended row (its lane, sequence number, hashes and time).</summary>
    public static async Task ReadLinkAsync(System.Data.Common.DbDataReader reader, AccessEvent row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(row);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException("audit.append returned no row.");
        }

        row.Lane = reader.GetInt16(0);
        row.LaneSeq = reader.GetInt64(1);
        row.PrevHash = reader.GetFieldValue<byte[]>(2);
        row.Hash = reader.GetFieldValue<byte[]>(3);
        row.OccurredAt = reader.GetFieldValue<DateTimeOffset>(4);
    }

    private AccessEvent NewRow(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var actor = record.Actor ?? actors.Current;
        // The id is only an identifier (time-ordered for the index's sake): the row's time is the one audit.append stamps.
        var now = AuditChain.ToStoredPrecision(clock.GetUtcNow());
        return new AccessEvent
        {
            Id = Guid.CreateVersion7(now),
            OccurredAt = now,
            Format = AccessEvent.DatabaseTimedFormat,
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
            PrevHash = [],
            Hash = [],
        };
    }

    private static void AddParameters(NpgsqlParameterCollection p, AccessEvent row)
    {
        p.Add(Param(row.Id, NpgsqlDbType.Uuid));
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
        p.Add(Param(AuditChain.ContentDigest(row), NpgsqlDbType.Bytea));
        p.Add(new NpgsqlParameter<int> { TypedValue = Random.Shared.Next(AuditChain.Lanes) });
        p.Add(new NpgsqlParameter<int> { TypedValue = AuditChain.Lanes });
    }

    private static NpgsqlParameter Param(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static string? Clip(string? value, int max) => value is { Length: var n } && n > max ? value[..max] : value;
}
