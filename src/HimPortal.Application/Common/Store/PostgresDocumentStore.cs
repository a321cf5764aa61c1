using System.Data;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Common.Store;

/// <summary>
/// The embedded default document store: documents.objects, one bytea per object (ADR 0024 says why bytea and not large
/// objects). It writes on the context's connection and in its current transaction, so a file's bytes and its
/// received_files row commit or roll back together.
/// </summary>
public sealed class PostgresDocumentStore(HimDbContext db) : IDocumentStore
{
    public async Task PutAsync(Guid id, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var command = await CommandAsync(
            "INSERT INTO documents.objects (id, length, content, stored_at) VALUES ($1, octet_length($2), $2, now())", ct);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        // Npgsql sends a seekable Stream parameter as bytea from the stream, without copying it into an array first.
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = content });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<Stream?> OpenReadAsync(Guid id, CancellationToken ct)
    {
        var command = await CommandAsync("SELECT content FROM documents.objects WHERE id = $1", ct);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        // SequentialAccess streams the column from the wire instead of buffering the row.
        var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct))
        {
            await reader.DisposeAsync();
            await command.DisposeAsync();
            return null;
        }

        return new ReaderStream(reader.GetStream(0), reader, command);
    }

    public Task<bool> ExistsAsync(Guid id, CancellationToken ct) =>
        db.StoredObjects.AsNoTracking().AnyAsync(o => o.Id == id, ct);

    public Task DeleteAsync(Guid id, CancellationToken ct) =>
        db.StoredObjects.Where(o => o.Id == id).ExecuteDeleteAsync(ct);

    private async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        return new NpgsqlCommand(sql, connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
    }

    /// <summary>The column's stream, which closes its reader and command with it.</summary>
    private sealed class ReaderStream(Stream inner, NpgsqlDataReader reader, NpgsqlCommand command) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await reader.DisposeAsync();
            await command.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                reader.Dispose();
                command.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
