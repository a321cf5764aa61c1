using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Data.Security;

/// <summary>
/// The data-protection key ring in the database, of which only keys whose secret is encrypted are used. A key stored in
/// the clear (by a version before key encryption, or written into the table by someone with database access) is never
/// read: whoever holds it could sign session cookies. The ring then makes a new, encrypted key.
/// </summary>
public sealed class EncryptedKeyRepository(IServiceProvider services) : IXmlRepository
{
    private readonly EntityFrameworkCoreXmlRepository<HimDbContext> _inner = new(services, services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());

    public IReadOnlyCollection<XElement> GetAllElements() =>
        _inner.GetAllElements().Where(IsUsable).ToList();

    public void StoreElement(XElement element, string friendlyName) => _inner.StoreElement(element, friendlyName);

    /// <summary>Revocations carry no secret; a key must carry its secret encrypted.</summary>
    public static bool IsUsable(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.Name.LocalName != "key" || element.Descendants().Any(e => e.Name.LocalName == "encryptedSecret");
    }
}
