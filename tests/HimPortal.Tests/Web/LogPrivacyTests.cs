using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// A realistic flow around a patient's account (created by an administrator, signed in, failed attempts, search by name,
/// sign-out) must leave the patient's name and e-mail in no log line, console or file.
/// </summary>
public sealed class LogPrivacyTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task Patient_identifiers_never_reach_the_log()
    {
        const string name = "Armando Cortés-Quillfeather";
        const string email = "armando.quillfeather@patients.example";
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var adminClient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(adminClient, admin.Email, admin.Password);
        var created = await HimPortalFactory.PostFormAsync(adminClient, "/Administration/Users/Create", "/Administration/Users/Create", new()
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = name,
            ["Input.Roles"] = Roles.Patient,
            ["Input.Password"] = "quiet-harbor-ledger-31-window",
        });
        created.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        await adminClient.GetAsync(new Uri("/Administration/Users?search=Quillfeather", UriKind.Relative));
        await adminClient.GetAsync(created.Headers.Location!);

        using var patient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(patient, email, "a-wrong-password-for-sure");
        // The right password, but a patient's account: the staff app sends it to the patient portal (issue 19), and logs no name.
        var refused = await HimPortalFactory.SignInAsync(patient, email, "quiet-harbor-ledger-31-window");
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Patients sign in to the patient portal.");
        (await patient.GetAsync(new Uri("/Administration/Users", UriKind.Relative))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

        // Request logging writes through this host's Serilog logger, so parallel test hosts do not steal each other's lines.
        web.Services.GetService(typeof(Serilog.ILogger)).ShouldNotBeNull();
        var lines = web.Factory.Logs.Lines.ToList();
        lines.Count.ShouldBeGreaterThan(5);
        // The file sink is the one operations keep for a month: it must exist and be as clean as the captured events.
        var logFiles = Directory.Exists(web.Factory.LogFolder) ? Directory.GetFiles(web.Factory.LogFolder) : [];
        logFiles.ShouldNotBeEmpty("the web app wrote no log file");
        var files = string.Concat(logFiles.Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }));
        files.ShouldContain("HTTP POST /Account/Login");
        foreach (var secret in new[] { "Cortés", "Quillfeather", "quillfeather", email })
        {
            lines.Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty(secret);
            files.ShouldNotContain(secret, Case.Insensitive);
        }
    }
}
