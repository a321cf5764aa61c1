using HimPortal.Application.Access;
using HimPortal.Application.Audit.Checkpoints;
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

/// <param name="Checkpoints">The signed checkpoints the chain was held to (whole chain only); null when none are configured.</param>
public sealed record AuditChainReport(long RowsChecked, int LanesSeen, AuditChainBreak? FirstBreak, IReadOnlyList<AuditChainBreak> Breaks, int? Checkpoints = null)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Recomputes every row's hash and checks every link of the audit hash chain. It names a row whose content changed
/// (hash mismatch), a row whose predecessor was removed (sequence gap), a row chained to the wrong predecessor (inserted
/// out of order), two rows claiming one place in a lane (a fork), and, for the whole chain, a lane whose newest rows are
/// missing or which runs past the head recorded by audit.append (audit.lane_heads). A row timed by the database (format
/// 3) may not be earlier than the row before it in its lane: audit.append stamps it under the lane's lock. And the whole
/// chain is held to every signed checkpoint kept outside the database (docs/adr/0020): each checkpoint's heads must still
/// be in the chain with the same hashes, and no lane may end before them, which a rewrite by the database's owner or a
/// superuser, however self-consistent, cannot meet.
/// <para>
/// Everything is read in one snapshot (a REPEATABLE READ, read-only transaction), so appends committing meanwhile never
/// make the rows and the lane heads disagree; the checkpoints are read before it starts, so each is older than the snapshot.
/// </para>
/// <para>
/// The rows are read month by month in storage order, not sorted: a lane's order is its sequence, and a format-2 row's
/// time can be a little earlier than its predecessor's (its writer's clock was read before it claimed the lane).
/// Links are matched as both ends arrive: a row waits for its successor, or for its predecessor, in a small map, which
/// in an intact chain holds about one row per lane. Memory stays flat for 20 million rows, and no sort or index scan
/// of the table is needed. Links that end outside the rows read (before a range, or in an archived month) are looked
/// up by (lane, sequence) at the end, or in audit.archive_links.
/// </para>
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class VerifyAuditChainHandler(PermissionCheck permissions, HimDbContext db, AuditCheckpointStore checkpoints) : Handler<VerifyAuditChainQuery, Result<AuditChainReport>>(permissions)
{
    /// <summary>Beyond this many problems the chain is plainly broken; collecting more would only cost memory.</summary>
    private const int MaxProblems = 1000;

    private const string Columns = """
        id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id,
        purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash, format
        """;

    protected override async Task<Result<AuditChainReport>> ExecuteAsync(VerifyAuditChainQuery query, CancellationToken ct) =>
        Result<AuditChainReport>.Success(await VerifyAsync(db, query, checkpoints, ct));

    /// <summary>The walk itself, for use cases that already hold their own permission (the archive, the queued verification).</summary>
    internal static async Task<AuditChainReport> VerifyAsync(HimDbContext db, VerifyAuditChainQuery query, AuditCheckpointStore? checkpoints, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Before the snapshot: a checkpoint in the folder was signed from heads committed before it was written, so
        // before the snapshot below; one written later is not read, and cannot name rows the snapshot does not see.
        var anchors = query.IsWholeChain && checkpoints is { IsConfigured: true } ? checkpoints.ReadAll() : [];
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var openedHere = connection.State != System.Data.ConnectionState.Open;
        if (openedHere)
        {
            await connection.OpenAsync(ct);
        }

        try
        {
            // One snapshot for every statement of the walk (rows, lane heads, look-ups): a verification on a live system
            // must not read the rows at one moment and the heads at another. A caller's own transaction is its business.
            NpgsqlTransaction? snapshot = null;
            if (db.Database.CurrentTransaction is null)
            {
                snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
                await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, snapshot);
                await readOnly.ExecuteNonQueryAsync(ct);
            }

            try
            {
                return await new Walk(connection, query, anchors, query.IsWholeChain && checkpoints is { IsConfigured: true }).RunAsync(ct);
            }
            finally
            {
                if (snapshot is not null)
                {
                    await snapshot.RollbackAsync(CancellationToken.None);
                    await snapshot.DisposeAsync();
                }
            }
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

    private sealed record WaitingRow(Guid Id, long Seq, DateTimeOffset OccurredAt, short Format, byte[] PrevHash);

    private readonly record struct Link(byte[] Hash, DateTimeOffset? OccurredAt, short Format);

    private sealed class Walk(NpgsqlConnection connection, VerifyAuditChainQuery query, IReadOnlyList<StoredCheckpoint> anchors, bool checkpointsConfigured)
    {
        // Rows whose successor has not been read yet: their hash and time, by position. Steady state: the newest row of each lane.
        private readonly Dictionary<Position, Link> _awaitingSuccessor = [];

        // The positions the checkpoints name, with the hash the first checkpoint naming it recorded.
        private readonly Dictionary<Position, (byte[] Hash, long Checkpoint)> _anchored = [];
        private readonly HashSet<Position> _anchoredSeen = [];

        // Rows whose predecessor has not been read yet, by the predecessor's position.
        private readonly Dictionary<Position, WaitingRow> _awaitingPredecessor = [];

        private readonly Dictionary<Guid, (AuditChainBreak Break, int Rank)> _problems = [];
        private readonly HashSet<short> _lanes = [];
        private long _rows;

        public async Task<AuditChainReport> RunAsync(CancellationToken ct)
        {
            CollectAnchors();
            await ReadRowsAsync(ct);
            await ResolveOpenPredecessorsAsync(ct);
            if (query.IsWholeChain)
            {
                await CheckLaneHeadsAsync(ct);
                await CheckAnchorsAsync(ct);
            }

            // The first break of each lane (by sequence) is what matters: everything after it in the lane is suspect anyway.
            var breaks = _problems.Values.Select(p => p.Break)
                .GroupBy(b => b.Lane)
                .Select(lane => lane.OrderBy(b => b.LaneSeq).First())
                .OrderBy(b => b.OccurredAt).ThenBy(b => b.Lane)
                .ToList();
            return new AuditChainReport(_rows, _lanes.Count, breaks.FirstOrDefault(), breaks, checkpointsConfigured ? anchors.Count : null);
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
                if (!AuditChain.Link(row, digest).AsSpan().SequenceEqual(row.Hash))
                {
                    Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, "altered: its content no longer matches its hash", rank: 1);
                }

                if (_anchored.Count > 0 && _anchored.TryGetValue(new Position(row.Lane, row.LaneSeq), out var anchor))
                {
                    _anchoredSeen.Add(new Position(row.Lane, row.LaneSeq));
                    if (!anchor.Hash.AsSpan().SequenceEqual(row.Hash))
                    {
                        Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt,
                            $"rewritten: sequence {row.LaneSeq} of lane {row.Lane} no longer carries the hash signed checkpoint {anchor.Checkpoint} recorded (the lane was re-chained after it)", 5);
                    }
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
            else if (_awaitingSuccessor.Remove(predecessor, out var previous))
            {
                CheckLink(new WaitingRow(row.Id, row.LaneSeq, row.OccurredAt, row.Format, row.PrevHash), row.Lane, previous);
            }
            else if (!_awaitingPredecessor.TryAdd(predecessor, new WaitingRow(row.Id, row.LaneSeq, row.OccurredAt, row.Format, row.PrevHash)))
            {
                Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, $"forked: another row also claims sequence {row.LaneSeq} of lane {row.Lane}", 3);
            }
        }

        private void LinkToSuccessor(AccessEvent row)
        {
            var here = new Position(row.Lane, row.LaneSeq);
            if (_awaitingPredecessor.Remove(here, out var successor))
            {
                CheckLink(successor, row.Lane, new Link(row.Hash, row.OccurredAt, row.Format));
            }
            else if (!_awaitingSuccessor.TryAdd(here, new Link(row.Hash, row.OccurredAt, row.Format)))
            {
                Problem(row.Id, row.Lane, row.LaneSeq, row.OccurredAt, $"forked: another row also claims sequence {row.LaneSeq} of lane {row.Lane}", 3);
            }
        }

        private void CheckLink(WaitingRow row, short lane, Link predecessor)
        {
            if (!row.PrevHash.AsSpan().SequenceEqual(predecessor.Hash))
            {
                Problem(row.Id, lane, row.Seq, row.OccurredAt, $"out of order: its previous-row hash does not match row {row.Seq - 1} of lane {lane}", 2);
            }
            else if (row.Format == AccessEvent.DatabaseTimedFormat && predecessor.Format == AccessEvent.DatabaseTimedFormat
                     && predecessor.OccurredAt is { } before && row.OccurredAt < before)
            {
                // Both times were stamped by audit.append under the lane's lock, never earlier than the lane's last row.
                Problem(row.Id, lane, row.Seq, row.OccurredAt,
                    $"out of order in time: dated {row.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff} UTC, earlier than the row before it in lane {lane} ({before.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff} UTC)", 2);
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
                        CheckLink(waiting, position.Lane, new Link(predecessor.Hash, predecessor.OccurredAt, predecessor.Format));
                    }

                    continue;
                }

                var before = await HighestSequenceBeforeAsync(position, ct);
                Problem(waiting.Id, position.Lane, waiting.Seq, waiting.OccurredAt,
                    $"row(s) missing before it: lane {position.Lane} jumps from sequence {before} to {waiting.Seq}", 4);
            }
        }

        /// <summary>The predecessor's hash, time and format (no time when it is an archived row), or null when there is none.</summary>
        private async Task<(byte[] Hash, DateTimeOffset? OccurredAt, short Format)?> PredecessorAsync(Position position, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand("""
                SELECT hash, occurred_at, format FROM audit.access_events WHERE lane = $1 AND lane_seq = $2
                UNION ALL
                SELECT hash, NULL, 2::smallint FROM audit.archive_links WHERE lane = $1 AND lane_seq = $2
                LIMIT 1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = position.Lane });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Seq });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            return (reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt16(2));
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
                else if (hasRows && head.Seq == lastSeq && !head.Hash.AsSpan().SequenceEqual(last.Value.Hash))
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

        /// <summary>
        /// The positions the checkpoints name, each with its hash. A checkpoint whose signature fails is itself a break:
        /// it was altered, or signed with another key, and anchors nothing. Two checkpoints that record different hashes
        /// at one position mean the lane was rewritten between them.
        /// </summary>
        private void CollectAnchors()
        {
            foreach (var stored in anchors)
            {
                if (stored.Checkpoint is not { } checkpoint || !stored.Verified)
                {
                    Problem(Guid.Empty, -1, stored.Number, DateTimeOffset.MinValue,
                        $"checkpoint {stored.Number} ({Path.GetFileName(stored.File)}) cannot be trusted: {stored.Problem}", 5);
                    continue;
                }

                foreach (var head in checkpoint.Heads.Where(h => h.Seq > 0))
                {
                    var position = new Position(head.Lane, head.Seq);
                    if (!_anchored.TryAdd(position, (head.Hash, checkpoint.Number)) && !_anchored[position].Hash.AsSpan().SequenceEqual(head.Hash))
                    {
                        Problem(Guid.Empty, head.Lane, head.Seq, checkpoint.TakenAt,
                            $"rewritten: checkpoints {_anchored[position].Checkpoint} and {checkpoint.Number} recorded different hashes for sequence {head.Seq} of lane {head.Lane}", 5);
                    }
                }
            }
        }

        /// <summary>
        /// No lane may end before a checkpoint's head (its newest rows were removed, and the head moved back to match),
        /// and a checkpoint's head in an archived month must match the link kept for it.
        /// </summary>
        private async Task CheckAnchorsAsync(CancellationToken ct)
        {
            if (_anchored.Count == 0)
            {
                return;
            }

            var newest = _awaitingSuccessor.Keys.GroupBy(p => p.Lane).ToDictionary(g => g.Key, g => g.Max(p => p.Seq));
            foreach (var stored in anchors.Where(a => a.Verified))
            {
                foreach (var head in stored.Checkpoint!.Heads.Where(h => h.Seq > 0))
                {
                    var last = newest.TryGetValue(head.Lane, out var seq) ? seq : await ArchivedHeadAsync(head.Lane, ct);
                    if (last < head.Seq)
                    {
                        Problem(Guid.Empty, head.Lane, last + 1, head.At ?? stored.Checkpoint.TakenAt,
                            $"newest row(s) missing: lane {head.Lane} ends at sequence {last}, but signed checkpoint {stored.Number} of {stored.Checkpoint.TakenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC recorded sequence {head.Seq}", 4);
                        newest[head.Lane] = head.Seq;
                    }
                }
            }

            foreach (var (position, anchor) in _anchored.Where(a => !_anchoredSeen.Contains(a.Key)).OrderBy(a => a.Key.Lane).ThenBy(a => a.Key.Seq))
            {
                // Not among the rows: archived (its link may be kept), or missing, which the gap and lane-end checks name.
                if (await PredecessorAsync(position, ct) is { } kept && !kept.Hash.AsSpan().SequenceEqual(anchor.Hash))
                {
                    Problem(Guid.Empty, position.Lane, position.Seq, kept.OccurredAt ?? DateTimeOffset.MinValue,
                        $"rewritten: sequence {position.Seq} of lane {position.Lane} no longer carries the hash signed checkpoint {anchor.Checkpoint} recorded", 5);
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
        /// others is kept. Rank: a row against a signed checkpoint (5) over missing rows (4) over a fork (3) over a wrong
        /// link (2) over altered content (1).
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
            Format = reader.GetInt16(19),
        };
    }
}
