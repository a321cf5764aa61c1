using HimPortal.Application;
using HimPortal.Application.Access.Identity;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli;

/// <summary>The administrative commands' services: the same data and application layers as the web app, read from the same configuration keys.</summary>
internal static partial class CliHost
{
    public static ServiceProvider Services(IConfiguration configuration)
    {
        var services = Basics(configuration);
        services.AddHimPortalData();
        services.AddHimPortalApplication();
        services.AddIdentityCore<HimUser>()
            .AddRoles<HimRole>()
            .AddStores();
        return Validated(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
    }
}
