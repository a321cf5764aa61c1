using System.Diagnostics;
using HimPortal.Tests.Infrastructure;
using Npgsql;

namespace HimPortal.Tests.Web;

/// <summary>Outside Development the web app refuses to start on a schema that is behind, and says what to do.</summary>
public sealed class SchemaGateTests : IAsyncLifetime
{
    private PostgresServer.Server _server = null!;
    private readonly string _name = "himportal_t_" + Guid.NewGuid().ToString("N")[..16];

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        await PostgresServer.ExecuteAsync(_server.Superuser("postgres"), $"CREATE DATABASE {_name} OWNER {PostgresServer.OwnerRole}");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.ExecuteAsync(_server.Superuser("postgres"), $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    [Fact]
    public async Task Production_refuses_to_start_on_an_unmigrated_database()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HimPortal.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__HimPortal"] = _server.Connection(_name, PostgresServer.AppRole);
        start.Environment["DataProtection__CertificatePath"] = Path.Combine(Repository.Root, ".himportal", "test-dataprotection.pfx");
        start.Environment["DataProtection__CreateIfMissing"] = "true";
        start.Environment["Logs__Path"] = Path.Combine(Path.GetTempPath(), "himportal-gate-" + _name, "log-.log");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(1, await error);
        (await error).ShouldContain("The database schema is behind this version of HimPortal");
        (await output).ShouldContain("himportal migrate");
    }
}
