using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Documents.RetryHeld;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>Issue 15 item 3: a document held for a patient not yet registered goes back to the queue after a while, and is never lost.</summary>
public sealed class RetryHeldDocumentsTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task<Guid> HeldAsync(TimeSpan ago)
    {
        var (file, document) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await _db.ExecuteAsync($"""
            INSERT INTO documents.received_files (id, sha256, source, received_at, original_name, length, media_type, page_count, status, stored)
            VALUES ('{file}', decode(md5('{file}'), 'hex'), 'fax-server', now() - interval '3 days', 'fax.tif', 10, 'image/tiff', 1, 'split', true);
            INSERT INTO documents.documents (id, received_file_id, status, reason, received_at, source, page_count, bears_signature, indexed_at, indexed_by)
            VALUES ('{document}', '{file}', 'held', 'Patient not registered yet', now() - interval '3 days', 'fax-server', 1, false,
                    now() - interval '{(int)ago.TotalMinutes} minutes', 'clerk');
            """);
        return document;
    }

    private async Task<int> RetryAsync(string role)
    {
        var actor = new TestActor { Current = new AuditActor(null, "system:documents-held-retry", [role], null, null, null) };
        await using var services = _db.Services(actor);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<RetryHeldDocumentsHandler>().HandleAsync(new RetryHeldDocumentsCommand(), CancellationToken.None);
        if (result.Error is { } error)
        {
            throw new InvalidOperationException(error.Message);
        }

        return result.Value;
    }

    [Fact]
    public async Task A_document_held_over_a_day_goes_back_to_the_queue_with_its_reason_and_a_recent_one_waits()
    {
        var old = await HeldAsync(TimeSpan.FromDays(2));
        var recent = await HeldAsync(TimeSpan.FromHours(1));

        (await RetryAsync(Roles.System)).ShouldBe(1);

        (await _db.ScalarAsync<string>($"SELECT status FROM documents.documents WHERE id = '{old}'")).ShouldBe("unindexed");
        (await _db.ScalarAsync<string>($"SELECT reason FROM documents.documents WHERE id = '{old}'")).ShouldContain("Patient not registered yet");
        (await _db.ScalarAsync<string>($"SELECT status FROM documents.documents WHERE id = '{recent}'")).ShouldBe("held");
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM documents.filings WHERE document_id = '{old}' AND status = 'unindexed'")).ShouldBe(1);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{old}' AND action = 'update'")).ShouldBe(1);

        (await RetryAsync(Roles.System)).ShouldBe(0, "a second run finds nothing more to return");
    }

    [Fact]
    public async Task Only_those_who_index_may_return_held_documents()
    {
        await HeldAsync(TimeSpan.FromDays(2));

        await Should.ThrowAsync<InvalidOperationException>(() => RetryAsync(Roles.Physician));
    }
}
