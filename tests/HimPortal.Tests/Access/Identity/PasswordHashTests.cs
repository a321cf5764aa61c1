using System.Buffers.Binary;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Access.Identity;

/// <summary>Passwords are stored with PBKDF2-HMAC-SHA512 at 210,000 iterations (ASVS 5.0 11.4.2), not Identity's 100,000.</summary>
public sealed class PasswordHashTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_new_password_is_hashed_with_210000_iterations_of_pbkdf2_sha512()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var hash = Convert.FromBase64String(await database.ScalarAsync<string>($"SELECT password_hash FROM identity.users WHERE id = '{clerk.Id}'"));

        // Identity's V3 format: 0x01, the PRF (2 = HMAC-SHA512), the iteration count, big-endian.
        hash[0].ShouldBe((byte)0x01);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1, 4)).ShouldBe(2u);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5, 4)).ShouldBe(210_000u);
    }
}
