using System.Net;
using System.Xml.Linq;
using HimPortal.Application.Access;
using HimPortal.Data.Security;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// The keys that sign session cookies were stored in the clear in the database, so a copy of it was enough to forge a
/// session. They are encrypted with a certificate the database never holds, a key found in the clear is never used,
/// and the web app does not start without the certificate.
/// </summary>
public sealed class KeyProtectionTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Keys_are_stored_encrypted_and_a_key_planted_in_the_clear_is_not_used()
    {
        // A key in the clear, as a version before encryption stored it (or as someone with database access might plant it).
        var planted = Guid.NewGuid();
        await database.ExecuteAsync(
            $"""
            INSERT INTO identity.data_protection_keys (friendly_name, xml) VALUES ('key-{planted}',
            '<key id="{planted}" version="1"><creationDate>2026-01-01T00:00:00Z</creationDate><activationDate>2026-01-01T00:00:00Z</activationDate><expirationDate>2099-01-01T00:00:00Z</expirationDate><descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection"><descriptor><encryption algorithm="AES_256_CBC" /><validation algorithm="HMACSHA256" /><masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection"><value>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==</value></masterKey></descriptor></descriptor></key>')
            """);

        await using var web = new HimPortalFactory(database);
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Browserless();
        (await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var home = await client.GetAsync(new Uri("/", UriKind.Relative)))
        {
            // Signed in: the session cookie, protected with the new key, is read back (not sent to sign in again).
            (home.Headers.Location?.OriginalString ?? "").ShouldNotContain("/Account/Login");
        }

        var keys = await database.ScalarAsync<long>($"SELECT count(*) FROM identity.data_protection_keys WHERE friendly_name <> 'key-{planted}'");
        keys.ShouldBeGreaterThan(0, "the app made a key of its own rather than use the planted one");
        var clear = await database.ScalarAsync<long>(
            $"SELECT count(*) FROM identity.data_protection_keys WHERE friendly_name <> 'key-{planted}' AND (xml NOT LIKE '%encryptedSecret%' OR xml LIKE '%<value>%')");
        clear.ShouldBe(0L);
    }

    [Fact]
    public void Only_keys_with_an_encrypted_secret_are_usable()
    {
        EncryptedKeyRepository.IsUsable(XElement.Parse("<key id=\"1\"><descriptor><masterKey><value>x</value></masterKey></descriptor></key>")).ShouldBeFalse();
        EncryptedKeyRepository.IsUsable(XElement.Parse("<key id=\"1\"><descriptor><encryptedSecret><EncryptedData /></encryptedSecret></descriptor></key>")).ShouldBeTrue();
        EncryptedKeyRepository.IsUsable(XElement.Parse("<revocation version=\"1\"><revocationDate>2026-01-01T00:00:00Z</revocationDate></revocation>")).ShouldBeTrue();
    }

    [Fact]
    public async Task The_web_app_does_not_start_without_a_certificate()
    {
        await using var web = new HimPortalFactory(database);
        web.Settings["DataProtection:CertificatePath"] = "";
        var failure = Should.Throw<InvalidOperationException>(() => web.Services);
        failure.Message.ShouldContain("DataProtection:CertificatePath");
        await Task.CompletedTask;
    }
}
