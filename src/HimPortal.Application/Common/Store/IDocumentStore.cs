namespace HimPortal.Application.Common.Store;

/// <summary>
/// Where document bytes live (ADR 0024): written once by id, read back as a stream, never changed in place. The default
/// is PostgreSQL (<see cref="PostgresDocumentStore"/>); an S3-compatible object store implements the same three calls.
/// Callers stream: neither side needs the whole file in memory.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Stores the content under a new id. Writing an id twice is a bug (ids are Guid v7, made by the caller).</summary>
    Task PutAsync(Guid id, Stream content, CancellationToken ct);

    /// <summary>Opens the content for reading, or null when no object has that id. The caller disposes the stream.</summary>
    Task<Stream?> OpenReadAsync(Guid id, CancellationToken ct);

    Task<bool> ExistsAsync(Guid id, CancellationToken ct);

    /// <summary>Removes an object (a staged upload once captured; later, retention). Removing a missing id does nothing.</summary>
    Task DeleteAsync(Guid id, CancellationToken ct);
}
