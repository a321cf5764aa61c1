using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Activation;
using HimPortal.Data;
using HimPortal.Data.Identity;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Portal;

/// <summary>
/// Activation letters (issue 19 item 2): a clerk issues a letter with a one-time code; the patient (or their
/// representative) creates the portal account with it, their birth date and family name. Codes expire, work once, lock
/// after wrong answers, and a newer letter replaces an older one.
/// </summary>
public sealed class ActivationTests : IAsyncLifetime
{
    private const string Password = "harbor-quilt-lantern-87-meadow";
    private static readonly Dictionary<string, string?> PortalSettingsKeys = new() { ["Portal:PublicUrl"] = "https://portal.hospital.example/" };

    private readonly TestDatabase _database = new();
    private readonly TestActor _actor = new();
    private readonly TestClock _clock = new();
    private ServiceProvider _services = null!;
    private Guid _patient;
    private Guid _other;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await ClinicalData.ImportAsync(_database, ClinicalData.Cortes, ClinicalData.Smallest);
        _patient = await ClinicalData.PatientIdAsync(_database, ClinicalData.Cortes);
        _other = await ClinicalData.PatientIdAsync(_database, ClinicalData.Smallest);
        _services = _database.Services(_actor, _clock, PortalSettingsKeys);
        var clerk = await Personas.CreateAsync(_services, Roles.HimClerk);
        _actor.ActAs(clerk.Id, clerk.Email, Roles.HimClerk);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<T> HandleAsync<THandler, T>(Func<THandler, Task<Result<T>>> call)
        where THandler : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        var result = await call(scope.ServiceProvider.GetRequiredService<THandler>());
        return result.IsSuccess ? result.Value! : throw new Xunit.Sdk.XunitException($"{result.Error!.Code}: {result.Error.Message}");
    }

    private async Task<Result<T>> TryAsync<THandler, T>(Func<THandler, Task<Result<T>>> call)
        where THandler : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    private Task<IssuedActivationLetter> IssueAsync(Guid patient, Guid? grant = null) =>
        HandleAsync<IssueActivationLetterHandler, IssuedActivationLetter>(h => h.HandleAsync(new IssueActivationLetterCommand(patient, grant), default));

    private async Task<(DateOnly Born, string Family, string Mrn)> DemographicsAsync(Guid patient)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var row = await db.Set<HimPortal.Data.Clinical.Patient>().Where(p => p.Id == patient).Select(p => new { p.BirthDate, p.FamilyName, p.Mrn }).SingleAsync();
        return (row.BirthDate!.Value, row.FamilyName!, row.Mrn!);
    }

    /// <summary>Anonymous, as on the portal's page: nobody is signed in.</summary>
    private async Task<Result<Activation>> ActivateAsync(string code, DateOnly born, string family, string? email = null)
    {
        var before = _actor.Current;
        _actor.Current = before with { UserId = null, UserName = null, Roles = [] };
        try
        {
            return await TryAsync<ActivateAccountHandler, Activation>(h => h.HandleAsync(
                new ActivateAccountCommand(code, born, family, email, email is null ? null : Password), default));
        }
        finally
        {
            _actor.Current = before;
        }
    }

    [Fact]
    public async Task The_letter_prints_the_code_and_the_portal_address_and_only_the_codes_hash_is_kept()
    {
        var issued = await IssueAsync(_patient);

        Regex.IsMatch(issued.Code, "^[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}$").ShouldBeTrue(issued.Code);
        (12 * Math.Log2(30)).ShouldBeGreaterThan(50, "at least 50 bits of randomness");
        var stored = await _database.ScalarAsync<byte[]>($"SELECT code_hash FROM portal.activation_codes WHERE id = '{issued.LetterId}'");
        stored.ShouldBe(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(issued.Code.Replace("-", "", StringComparison.Ordinal))));
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM portal.activation_codes WHERE encode(code_hash, 'escape') LIKE '%{issued.Code[..4]}%'")).ShouldBe(0);

        var file = await HandleAsync<DownloadActivationLetterHandler, ActivationLetterFile>(h => h.HandleAsync(new DownloadActivationLetterQuery(_patient, issued.LetterId), default));
        using (var pdf = PdfDocument.Open(file.Pdf))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
            text.ShouldContain(issued.Code);
            text.ShouldContain("https://portal.hospital.example/Account/Activate");
        }

        var path = Path.Combine(Path.GetTempPath(), $"activation-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, file.Pdf);
        try
        {
            using var qpdf = Process.Start(new ProcessStartInfo("qpdf", ["--check", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await qpdf.WaitForExitAsync();
            qpdf.ExitCode.ShouldBe(0, await qpdf.StandardOutput.ReadToEndAsync() + await qpdf.StandardError.ReadToEndAsync());
        }
        finally
        {
            File.Delete(path);
        }

        (await _database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_id = '{issued.LetterId}' AND action = 'print' AND patient_id = '{_patient}' AND details LIKE 'portal.activation-letter%'")).ShouldBe(2);
    }

    [Fact]
    public async Task The_patient_creates_the_account_with_the_code_birth_date_and_family_name()
    {
        var issued = await IssueAsync(_patient);
        var (born, family, mrn) = await DemographicsAsync(_patient);

        var check = await ActivateAsync(issued.Code.ToLowerInvariant(), born, " " + family.ToUpperInvariant() + " ");
        check.IsSuccess.ShouldBeTrue(check.Error?.Message);
        check.Value!.AccountCreated.ShouldBeFalse();

        var email = $"cortes.{Guid.NewGuid():N}@patients.example";
        var created = await ActivateAsync(issued.Code, born, family, email);
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);

        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HimUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        user.PatientMrn.ShouldBe(mrn);
        (await users.GetRolesAsync(user)).ShouldBe([Roles.Patient]);
        (await users.CheckPasswordAsync(user, Password)).ShouldBeTrue();
        (await _database.ScalarAsync<Guid>($"SELECT user_id FROM portal.activation_codes WHERE id = '{issued.LetterId}'")).ShouldBe(user.Id);
        (await _database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE details = 'portal.activate; account created for the patient' AND patient_id = '{_patient}' AND outcome = 'success'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_used_code_is_refused()
    {
        var issued = await IssueAsync(_patient);
        var (born, family, _) = await DemographicsAsync(_patient);
        (await ActivateAsync(issued.Code, born, family, $"first.{Guid.NewGuid():N}@patients.example")).IsSuccess.ShouldBeTrue();

        var again = await ActivateAsync(issued.Code, born, family, $"second.{Guid.NewGuid():N}@patients.example");

        again.Error!.Code.ShouldBe("activation.unusable");
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE details = 'portal.activate; code already used' AND outcome = 'denied'")).ShouldBe(1);
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var issued = await IssueAsync(_patient);
        var (born, family, _) = await DemographicsAsync(_patient);
        _clock.Advance(TimeSpan.FromDays(32));

        var late = await ActivateAsync(issued.Code, born, family);

        late.Error!.Code.ShouldBe("activation.unusable");
        late.Error.Message.ShouldNotContain("birth");
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE details = 'portal.activate; code expired'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_wrong_birth_date_counts_and_the_code_locks_after_the_allowed_tries()
    {
        var issued = await IssueAsync(_patient);
        var (born, family, _) = await DemographicsAsync(_patient);

        var wrong = await ActivateAsync(issued.Code, born.AddDays(1), family);
        wrong.Error!.Code.ShouldBe("activation.no-match");
        // The message does not say which answer was wrong.
        wrong.Error.Message.ShouldBe(ActivationErrors.NoMatch.Message);
        (await ActivateAsync(issued.Code, born, family + "x")).Error!.Code.ShouldBe("activation.no-match");
        for (var i = 3; i < 5; i++)
        {
            (await ActivateAsync(issued.Code, born.AddYears(-1), family)).Error!.Code.ShouldBe("activation.no-match");
        }

        (await ActivateAsync(issued.Code, born.AddYears(-1), family)).Error!.Code.ShouldBe("activation.unusable", "the fifth wrong try locks it");
        (await _database.ScalarAsync<int>($"SELECT failed_attempts FROM portal.activation_codes WHERE id = '{issued.LetterId}'")).ShouldBe(5);

        (await ActivateAsync(issued.Code, born, family)).Error!.Code.ShouldBe("activation.unusable", "locked: even the right answers");
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE details = 'portal.activate; code locked' AND outcome = 'denied'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_new_letter_replaces_the_older_unused_code()
    {
        var first = await IssueAsync(_patient);
        var second = await IssueAsync(_patient);
        second.OlderCodesRevoked.ShouldBe(1);
        var (born, family, _) = await DemographicsAsync(_patient);

        (await ActivateAsync(first.Code, born, family)).Error!.Code.ShouldBe("activation.unusable");
        (await ActivateAsync(second.Code, born, family)).IsSuccess.ShouldBeTrue();

        var letters = await HandleAsync<ListActivationLettersHandler, ActivationLetterPage>(h => h.HandleAsync(new ListActivationLettersQuery(_patient), default));
        letters.Letters.Select(l => l.State).ShouldBe([ListActivationLettersHandler.Waiting, ListActivationLettersHandler.Revoked]);
    }

    [Fact]
    public async Task A_representatives_letter_is_answered_with_their_own_details_and_names_them_on_the_grant()
    {
        var grant = new ProxyGrant
        {
            Id = Guid.CreateVersion7(),
            PatientId = _patient,
            RepresentativeName = "Rosa Guardian",
            RepresentativeFamilyName = "Guardian",
            RepresentativeBirthDate = new DateOnly(1970, 4, 2),
            Relationship = "guardian",
            AuthorityDocument = "Letters of guardianship, county court",
            StartsOn = new DateOnly(2020, 1, 1),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedByUserId = _actor.Current.UserId!.Value,
        };
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            db.ProxyGrants.Add(grant);
            await db.SaveChangesAsync();
        }

        var issued = await IssueAsync(_patient, grant.Id);
        var (born, family, _) = await DemographicsAsync(_patient);

        // The patient's own details do not open a representative's letter.
        (await ActivateAsync(issued.Code, born, family)).Error!.Code.ShouldBe("activation.no-match");
        var email = $"rosa.{Guid.NewGuid():N}@patients.example";
        var created = await ActivateAsync(issued.Code, new DateOnly(1970, 4, 2), "guardian", email);
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        created.Value!.Representative.ShouldBeTrue();

        (await _database.ScalarAsync<Guid>($"SELECT representative_user_id FROM portal.proxy_grants WHERE id = '{grant.Id}'")).ShouldBe(created.Value.UserId!.Value);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM identity.users WHERE id = '{created.Value.UserId}' AND patient_mrn IS NULL")).ShouldBe(1);
    }

    [Fact]
    public async Task Another_patients_letter_cannot_be_downloaded_under_this_patient()
    {
        var issued = await IssueAsync(_patient);

        var result = await TryAsync<DownloadActivationLetterHandler, ActivationLetterFile>(h => h.HandleAsync(new DownloadActivationLetterQuery(_other, issued.LetterId), default));

        result.Error!.Kind.ShouldBe(ErrorKind.NotFound);
    }

    [Fact]
    public async Task Only_him_staff_issue_letters()
    {
        _actor.ActAs(Guid.NewGuid(), "doctor@test.himportal.example", Roles.Physician);

        var result = await TryAsync<IssueActivationLetterHandler, IssuedActivationLetter>(h => h.HandleAsync(new IssueActivationLetterCommand(_patient), default));

        result.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
