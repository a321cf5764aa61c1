using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Audit.VerifyAuditChain;

/// <summary>The whole chain, or the rows of a time range (UTC, half-open) and their links to the rows before them.</summary>
public sealed record VerifyAuditChainQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, IProgress<long>? Progress = null)
{
    public bool IsWholeChain => From is null && To is null;
}

public sealed record AuditChainBreak(Guid RowId, short Lane, long LaneSeq, DateTimeOffset OccurredAt, string Problem);

public sealed record AuditChainReport(long RowsChecked, int LanesSeen, AuditChainBreak? FirstBreak, IReadOnlyList<AuditChainBreak> Breaks)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Recomputes every row's hash and checks every link of the audit hash chain. It names a row whose content changed
/// (hash mismatch), a row whose predecessor was removed (sequence gap), a row chained to the wrong predecessor (inserted
/// out of order), two rows claiming one place in a lane (a fork), and, for the whole chain, a lane whose newest rows are
/// missing or which runs past the head recorded by audit.append (audit.lane_heads).
/// <para>
/// The rows are read month by month in storage order, not sorted: a lane's order is its sequence, and a row's time can
/// be a little earlier than its predecessor's (its clock was read before it claimed the lane), even across a month.
/// Links are matched as both ends arrive: a row waits for its successor, or for its predecessor, in a small map, which
/// in an intact chain holds about one row per lane. Memory stays flat for 20 million rows, and no sort or index scan
/// of the table is needed. Links that end outside the rows read (before a range, or in an archived month) are looked
/// up by (lane, sequence) at the end, or in audit.archive_links.
/// </para>
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class VerifyAuditChainHandler(PermissionCheck permissions, HimDbContext db) : Handler<VerifyAuditChainQuery, Result<AuditChainReport>>(permissions)
{
    /// <summary>Beyond this many problems the chain is plainly broken; collecting more would only cost memory.</summary>
    private const int MaxProblems = 1000;

    private const string Columns = """
        id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id,
        purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash
        """;

    protected override async Task<Result<AuditChainReport>> ExecuteAsync(VerifyAuditChainQuery query, CancellationToken ct) =>
        Result<AuditChainReport>.Success(await VerifyAsync(db, query, ct));

    /// <summary>The walk itself, for use cases that already hold their own permission (the archive, the queued verification).</summary>
    internal static async Task<AuditChainReport> VerifyAsync(HimDbContext db, VerifyAuditChainQuery query, CancellationToken ct)
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
            return await new Walk(connection, query).RunAsync(ct);
        }
        finally
        {
            if (openedHere)
            {
                await connection.CloseAsync();
            }
        }
    }

    private readonly record struct Position(short Lane, long Seq);

    private sealed record WaitingRow(Guid Id, long Seq, DateTimeOffset OccurredAt, byte[] PrevHash);

    private sealed class Walk(NpgsqlConnection connection, VerifyAuditChainQuery query)
    {
        // Rows whose successor has not been read yet: their hash, by position. Steady state: the newest row of each lane.
        private readonly Dictionary<Position, byte[]> _awaitingSuccessor = [];

        // Rows whose predecessor has not been read yet, by the predecessor's position.
        private readonly Dictionary<Position, WaitingRow> _awaitingPredecessor = [];

        private readonly Dictionary<Guid, (AuditChainBreak Break, int Rank)> _problems = [];
        private readonly HashSet<short> _lanes = [];
        private long _rows;

        public async Task<AuditChainReport> RunAsync(CancellationToken ct)
        {
            await ReadRowsAsync(ct);
            await ResolveOpenPredecessorsAsync(ct);
            if (query.IsWholeChain)
            {
                await CheckLaneHeadsAsync(ct);
            }

            // The first break of each lane (by sequence) is what matters: everything after it in the lane is suspect anyway.
            var breaks = _problems.Values.Select(p => p.Break)
                .GroupBy(b => b.Lane)
                .Select(lane => lane.OrderBy(b => b.LaneSeq).First())
                .OrderBy(b => b.OccurredAt).ThenBy(b => b.Lane)
                .ToList();
            return new AuditChainReport(_rows, _lanes.Count, breaks.FirstOrDefault(), breaks);
        }

        private async Task ReadRowsAsync(CancellationToken ct)
        {
            var sql = $"SELECT {Columns} FROM audit.access_events"
                      + (query.IsWholeChain ? "" : " WHERE occurred_at >= $1 AND occurred_at < $2");
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            if (!query.IsWholeChain)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = query.From ?? DateTimeOffset.UnixEpoch });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = query.To ?? DateTimeOffset.MaxValue });
            }

            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            var digest = new byte[32];
            while (await reader.ReadAsync(ct))
            {
                var row = Read(reader);
                _rows++;
                _lanes.Add(row.Lane);
                if (_rows % 1_000_000 == 0)
                {
                    query.Progress?.Report(_rows);
                }

                AuditChain.ContentDigest(row, digest);
                if (!AuditChain.Link(row.PrevHash, row.Lane, row.LaneSeq, digest).AsSpan().SequenceEqual(row.Hash))
                {
                    Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, "altered: its content no longer matches its hash", rank: 1);
                }

                LinkToPredecessor(row);
                LinkToSuccessor(row);
            }
        }

        private void LinkToPredecessor(AccessEvent row)
        {
            var predecessor = new Position(row.Lane, row.LaneSeq - 1);
            if (row.LaneSeq == 1)
            {
                if (!row.PrevHash.AsSpan().SequenceEqual(AuditChain.Genesis))
                {
                    Problem(row.Id, row.Lane, 1, row.OccurredAt, $"out of order: the first row of lane {row.Lane} is not chained to the lane's start", 2);
                }
            }
            else if (_awaitingSuccessor.Remove(predecessor, out var previousHash))
            {
                CheckLink(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, row.PrevHash, previousHash);
            }
            else if (!_awaitingPredecessor.TryAdd(predecessor, new WaitingRow(row.Id, row.LaneSeq, row.OccurredAt, row.PrevHash)))
            {
                Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, $"forked: another row also claims sequence {row.LaneSeq} of lane {row.Lane}", 3);
            }
        }

        private void LinkToSuccessor(AccessEvent row)
        {
            var here = new Position(row.Lane, row.LaneSeq);
            if (_awaitingPredecessor.Remove(here, out var successor))
            {
                CheckLink(successor.Id, row.Lane, successor.Seq, successor.OccurredAt, successor.PrevHash, row.Hash);
            }
            else if (!_awaitingSuccessor.TryAdd(here, row.Hash))
            {
                Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, $"forked: another row also claims sequence {row.LaneSeq} of lane {row.Lane}", 3);
            }
        }

        private void CheckLink(Guid id, short lane, long seq, DateTimeOffset at, byte[] prevHash, byte[] predecessorHash)
        {
            if (!prevHash.AsSpan().SequenceEqual(predecessorHash))
            {
                Problem(id, lane, seq, at, $"out of order: its previous-row hash does not match row {seq - 1} of lane {lane}", 2);
            }
        }

        /// <summary>
        /// Rows whose predecessor was not among the rows read: before the range, in an archived month, or missing.
        /// One indexed look-up each; an intact whole chain has none, a range about one per lane.
        /// </summary>
        private async Task ResolveOpenPredecessorsAsync(CancellationToken ct)
        {
            foreach (var (position, waiting) in _awaitingPredecessor.OrderBy(p => p.Key.Lane).ThenBy(p => p.Key.Seq))
            {
                var found = await PredecessorAsync(position, ct);
                if (found is { } predecessor)
                {
                    if (WasRead(predecessor.OccurredAt))
                    {
                        // Its predecessor was read and already linked to another row: two rows claim this place.
                        Problem(waiting.Id, position.Lane, waiting.Seq, waiting.OccurredAt,
                            $"forked: another row also follows sequence {position.Seq} of lane {position.Lane}", 3);
                    }
                    else
                    {
                        CheckLink(waiting.Id, position.Lane, waiting.Seq, waiting.OccurredAt, waiting.PrevHash, predecessor.Hash);
                    }

                    continue;
                }

                var before = await HighestSequenceBeforeAsync(position, ct);
                Problem(waiting.Id, position.Lane, waiting.Seq, waiting.OccurredAt,
                    $"row(s) missing before it: lane {position.Lane} jumps from sequence {before} to {waiting.Seq}", 4);
            }
        }

        /// <summary>The predecessor's hash and time (no time when it is an archived row), or null when there is none.</summary>
        private async Task<(byte[] Hash, DateTimeOffset? OccurredAt)?> PredecessorAsync(Position position, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand("""
                SELECT hash, occurred_at FROM audit.access_events WHERE lane = $1 AND lane_seq = $2
                UNION ALL
                SELECT hash, NULL FROM audit.archive_links WHERE lane = $1 AND lane_seq = $2
                LIMIT 1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = position.Lane });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Seq });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return (reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
        }

        private bool WasRead(DateTimeOffset? occurredAt) =>
            occurredAt is { } at && (query.IsWholeChain || (at >= (query.From ?? DateTimeOffset.MinValue) && at < (query.To ?? DateTimeOffset.MaxValue)));

        private async Task<long> HighestSequenceBeforeAsync(Position missing, CancellationToken ct)
        {
            if (query.IsWholeChain)
            {
                // Everything was read: the row before the gap is the newest of the lane still waiting for a successor below it.
                return _awaitingSuccessor.Keys.Where(k => k.Lane == missing.Lane && k.Seq < missing.Seq).Select(k => k.Seq).DefaultIfEmpty(0).Max();
            }

            await using var command = new NpgsqlCommand(
                "SELECT coalesce(max(lane_seq), 0) FROM audit.access_events WHERE lane = $1 AND lane_seq < $2", connection);
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = missing.Lane });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = missing.Seq });
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }

        /// <summary>
        /// audit.append moves a lane's head with every row, so the newest row of each lane must be that head: fewer rows
        /// means the newest were removed, more means a row entered without audit.append.
        /// </summary>
        private async Task CheckLaneHeadsAsync(CancellationToken ct)
        {
            var newest = _awaitingSuccessor.GroupBy(p => p.Key.Lane).ToDictionary(g => g.Key, g => g.MaxBy(p => p.Key.Seq));
            await using var command = new NpgsqlCommand("SELECT lane, lane_seq, hash, occurred_at FROM audit.lane_heads ORDER BY lane", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var heads = new List<(short Lane, long Seq, byte[] Hash, DateTimeOffset? At)>();
            while (await reader.ReadAsync(ct))
            {
                heads.Add((reader.GetInt16(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            }

            await reader.DisposeAsync();
            foreach (var head in heads)
            {
                var hasRows = newest.TryGetValue(head.Lane, out var last);
                var lastSeq = hasRows ? last.Key.Seq : await ArchivedHeadAsync(head.Lane, ct);
                if (head.Seq > lastSeq)
                {
                    Problem(Guid.Empty, head.Lane, lastSeq + 1, head.At ?? DateTimeOffset.MaxValue,
                        $"newest row(s) missing: lane {head.Lane} ends at sequence {lastSeq}, but audit.append last wrote sequence {head.Seq}", 4);
                }
                else if (hasRows && head.Seq == lastSeq && !head.Hash.AsSpan().SequenceEqual(last.Value))
                {
                    Problem(Guid.Empty, head.Lane, lastSeq, head.At ?? DateTimeOffset.MaxValue,
                        $"lane {head.Lane}'s newest row is not the one audit.append wrote (its hash differs from the lane head)", 2);
                }
            }

            foreach (var (position, _) in _awaitingSuccessor)
            {
                if (heads.FirstOrDefault(h => h.Lane == position.Lane) is var head && position.Seq > head.Seq)
                {
                    var at = await RowAtAsync(position, ct);
                    Problem(at.Id, position.Lane, position.Seq, at.OccurredAt,
                        $"out of order: sequence {position.Seq} of lane {position.Lane} lies beyond the lane's head ({head.Seq}): it was not written by audit.append", 2);
                }
            }
        }

        private async Task<long> ArchivedHeadAsync(short lane, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand("SELECT coalesce(max(lane_seq), 0) FROM audit.archive_links WHERE lane = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = lane });
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }

        private async Task<(Guid Id, DateTimeOffset OccurredAt)> RowAtAsync(Position position, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand("SELECT id, occurred_at FROM audit.access_events WHERE lane = $1 AND lane_seq = $2 LIMIT 1", connection);
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = position.Lane });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Seq });
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)) : (Guid.Empty, DateTimeOffset.MaxValue);
        }

        /// <summary>
        /// A row can have several problems (a forged row is out of order and its hash is wrong): the one that explains the
        /// others is kept. Rank: missing rows (4) over a fork (3) over a wrong link (2) over altered content (1).
        /// </summary>
        private void Problem(Guid id, short lane, long seq, DateTimeOffset at, string problem, int rank)
        {
            var key = id == Guid.Empty ? new Guid(lane, 0, 0, BitConverter.GetBytes(seq)) : id;
            if (_problems.TryGetValue(key, out var existing))
            {
                if (existing.Rank < rank)
                {
                    _problems[key] = (existing.Break with { Problem = problem }, rank);
                }

                return;
            }

            if (_problems.Count < MaxProblems)
            {
                _problems[key] = (new AuditChainBreak(id, lane, seq, at, problem), rank);
            }
        }

        private static AccessEvent Read(NpgsqlDataReader reader) => new()
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
    }
}
