namespace HimPortal.Application.Common.Store;

public static class DocumentStoreReads
{
    /// <summary>
    /// A small object (a letter) as bytes, or null when the store has no such object. Read, and its reader closed, before
    /// anything else uses the connection (the store reads on the caller's transaction).
    /// </summary>
    public static async Task<byte[]?> ReadAllAsync(this IDocumentStore store, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var stream = await store.OpenReadAsync(id, ct);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }
}
