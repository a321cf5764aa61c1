using HimPortal.Application.Audit;
using HimPortal.Data.Audit;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// Back-dated audit history, for tests of what reads the log over time (the monitoring rules, the access log, retention).
/// The application cannot back-date a row: audit.append stamps the time itself (docs/adr/0020). Like the owner's
/// `audit generate`, this writes writer-timed rows (format 2) as the schema owner, each chained to its lane's head
/// under the lane's lock (the one audit.append takes), and moves the head, so the chain still verifies.
/// </summary>
public static class AuditHistory
{
    public static async Task<AccessEvent> WriteAsync(this TestDatabase database, DateTimeOffset at, AuditRecord record, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(actor);
        var time = AuditChain.ToStoredPrecision(at);
        var row = new AccessEvent
        {
            Id = Guid.CreateVersion7(time),
            OccurredAt = time,
            Format = AccessEvent.WriterTimedFormat,
            UserId = actor.UserId,
            UserName = actor.UserName,
            Roles = [.. actor.Roles],
            Action = record.Action,
            Outcome = record.Outcome,
            PatientId = record.PatientId,
            ResourceType = record.ResourceType,
            ResourceId = record.ResourceId,
            Purpose = record.Purpose,
            Details = record.Details,
            ClientIp = actor.ClientIp,
            UserAgent = actor.UserAgent,
            CorrelationId = actor.CorrelationId,
            PrevHash = [],
            Hash = [],
        };

        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        row.Lane = (short)Random.Shared.Next(AuditChain.Lanes);
        // The lock first, then the head in a statement of its own (READ COMMITTED: it sees the last holder's commit).
        await using (var lockLane = new NpgsqlCommand("SELECT pg_advisory_xact_lock(1212763473, $1)", connection, transaction))
        {
            lockLane.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.Lane });
            await lockLane.ExecuteNonQueryAsync();
        }

        await using (var head = new NpgsqlCommand("SELECT lane_seq, hash FROM audit.lane_heads WHERE lane = $1", connection, transaction))
        {
            head.Parameters.Add(new NpgsqlParameter<short> { TypedValue = row.Lane });
            await using var reader = await head.ExecuteReaderAsync();
            await reader.ReadAsync();
            row.LaneSeq = reader.GetInt64(0) + 1;
            row.PrevHash = reader.GetFieldValue<byte[]>(1);
        }

        row.Hash = AuditChain.ComputeHash(row);
        await using (var insert = new NpgsqlCommand("""
                         INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
                             resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash, format)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 2)
                         """, connection, transaction))
        {
            object?[] values = [row.Id, row.OccurredAt, row.UserId, row.UserName, row.Roles, row.Action, row.Outcome, row.PatientId, row.ResourceType,
                row.ResourceId, row.Purpose, row.Details, row.ClientIp, row.UserAgent, row.CorrelationId, row.Lane, row.LaneSeq, row.PrevHash, row.Hash];
            NpgsqlDbType[] types = [NpgsqlDbType.Uuid, NpgsqlDbType.TimestampTz, NpgsqlDbType.Uuid, NpgsqlDbType.Varchar, NpgsqlDbType.Array | NpgsqlDbType.Text,
                NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Uuid, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar,
                NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Smallint, NpgsqlDbType.Bigint,
                NpgsqlDbType.Bytea, NpgsqlDbType.Bytea];
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = values[i] ?? DBNull.Value, NpgsqlDbType = types[i] });
            }

            await insert.ExecuteNonQueryAsync();
        }

        await using (var move = new NpgsqlCommand("UPDATE audit.lane_heads SET lane_seq = $2, hash = $3, occurred_at = $4 WHERE lane = $1", connection, transaction))
        {
            move.Parameters.Add(new NpgsqlParameter<short> { TypedValue = row.Lane });
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.LaneSeq });
            move.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = row.Hash });
            move.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = row.OccurredAt });
            await move.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return row;
    }
}
