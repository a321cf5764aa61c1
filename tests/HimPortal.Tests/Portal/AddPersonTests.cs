using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Activation;
using HimPortal.Application.Portal.People;
using HimPortal.Application.Portal.Proxies;
using HimPortal.Application.Portal.Record;
using HimPortal.Data;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Portal;

/// <summary>
/// One portal account reaches every person it represents (issue 19 items 2 and 8; ADR 0041): a second representative's
/// letter is added at /People/Add to the account that is signed in, checked as at activation (expired, used, locked,
/// the representative's own details, wrong tries counting); the wrong kind of letter, a grant not in force or one
/// named to another account is refused and changes nothing. Each test has its own grants, letters and accounts.
/// </summary>
public sealed class AddPersonTests(RecordDatabase world) : IClassFixture<RecordDatabase>, IAsyncLifetime
{
    private const string Password = "harbor-quilt-lantern-87-meadow";
    private static readonly Dictionary<string, string?> PortalSettingsKeys = new() { ["Portal:PublicUrl"] = "https://portal.hospital.example/" };
    private static readonly DateOnly ParentBorn = new(1980, 1, 2);

    private readonly TestClock _clock = new();
    private readonly string _family = "Parent" + Guid.NewGuid().ToString("N")[..6];
    private ServiceProvider _clerk = null!;

    private TestDatabase Db => world.Database;

    // Two children, and a patient who is also a parent, on their own database (the record tests' three people).
    private Guid FirstChild => world.A;

    private Guid SecondChild => world.C;

    private Guid ParentPatient => world.B;

    public async Task InitializeAsync()
    {
        await using var setup = Db.Services();
        var clerk = await Personas.CreateAsync(setup, Roles.HimClerk);
        var actor = new TestActor();
        actor.ActAs(clerk.Id, clerk.Email, Roles.HimClerk);
        _clerk = Db.Services(actor, _clock, PortalSettingsKeys);
    }

    public async Task DisposeAsync() => await _clerk.DisposeAsync();

    private static async Task<T> RunAsync<THandler, T>(ServiceProvider services, Func<THandler, Task<Result<T>>> call)
        where THandler : notnull
    {
        await using var scope = services.CreateAsyncScope();
        var result = await call(scope.ServiceProvider.GetRequiredService<THandler>());
        return result.IsSuccess ? result.Value! : throw new Xunit.Sdk.XunitException($"{result.Error!.Code}: {result.Error.Message}");
    }

    /// <summary>HIM sets up a representative's access (a parent, in force from yesterday) and issues their letter.</summary>
    private async Task<(Guid Grant, IssuedActivationLetter Letter)> RepresentativeLetterAsync(Guid child, string family, DateOnly born, DateOnly? endsOn = null)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var grant = await RunAsync<CreateProxyGrantHandler, Guid>(_clerk, h => h.HandleAsync(new CreateProxyGrantCommand(child,
            "Maria " + family, family, born, ProxyRelationships.Parent, "Birth certificate", null, today.AddDays(-1), endsOn ?? today.AddYears(1), true),
            CancellationToken.None));
        return (grant, await LetterAsync(child, grant));
    }

    private Task<IssuedActivationLetter> LetterAsync(Guid patient, Guid? grant) =>
        RunAsync<IssueActivationLetterHandler, IssuedActivationLetter>(_clerk, h => h.HandleAsync(new IssueActivationLetterCommand(patient, grant), CancellationToken.None));

    /// <summary>Creates an account from a letter at /Account/Activate (nobody signed in) and returns services signed in as it.</summary>
    private async Task<(Guid UserId, ServiceProvider Services)> ActivateAsync(string code, DateOnly born, string family)
    {
        var anonymous = new TestActor();
        anonymous.Current = anonymous.Current with { UserId = null, UserName = null, Roles = [] };
        var email = $"account.{Guid.NewGuid():N}@patients.example";
        await using (var services = Db.Services(anonymous, _clock, PortalSettingsKeys))
        {
            var activation = await RunAsync<ActivateAccountHandler, Activation>(services, h => h.HandleAsync(
                new ActivateAccountCommand(code, born, family, email, Password), CancellationToken.None));
            activation.AccountCreated.ShouldBeTrue();
            var actor = new TestActor();
            actor.ActAs(activation.UserId!.Value, email, Roles.Patient);
            return (activation.UserId.Value, Db.Services(actor, _clock, PortalSettingsKeys));
        }
    }

    private static async Task<Result<AddedPerson>> AddAsync(ServiceProvider account, string code, DateOnly? born, string family)
    {
        await using var scope = account.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AddMyPersonHandler>().HandleAsync(new AddMyPersonCommand(code, born, family), CancellationToken.None);
    }

    private static Task<IReadOnlyList<PortalPersonView>> PeopleAsync(ServiceProvider account) =>
        RunAsync<ListMyPeopleHandler, IReadOnlyList<PortalPersonView>>(account, h => h.HandleAsync(new ListMyPeopleQuery(), CancellationToken.None));

    private static async Task<ChartReadStatus> ReadRecordAsync(ServiceProvider account, Guid patient)
    {
        await using var scope = account.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<GetMyRecordHandler>().HandleAsync(new GetMyRecordQuery(patient), CancellationToken.None)).Status;
    }

    /// <summary>What a refusal must leave as it was: the grant's account, the code's use and its wrong tries.</summary>
    private async Task<(Guid? Representative, bool Used, int FailedAttempts)> StateAsync(Guid? grant, Guid letter)
    {
        await using var scope = Db.Services().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var code = await db.ActivationCodes.AsNoTracking().SingleAsync(c => c.Id == letter);
        var representative = grant is null ? null : await db.ProxyGrants.Where(g => g.Id == grant).Select(g => g.RepresentativeUserId).SingleAsync();
        return (representative, code.UsedAt is not null, code.FailedAttempts);
    }

    private Task<long> AuditedAsync(Guid letter, string details, string outcome) =>
        Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{letter}' AND details = '{details.Replace("'", "''", StringComparison.Ordinal)}' AND outcome = '{outcome}'");

    /// <summary>Adds the letter with the parent's details: refused with this error, audited once, the grant and the code as <paramref name="state"/>.</summary>
    private async Task<Error> RefusedAsync(ServiceProvider account, IssuedActivationLetter letter, Guid? grant, string error, string audited,
        (Guid? Representative, bool Used, int FailedAttempts) state, DateOnly? born = null)
    {
        var refused = await AddAsync(account, letter.Code, born ?? ParentBorn, _family);
        refused.Error!.Code.ShouldBe(error);
        (await StateAsync(grant, letter.LetterId)).ShouldBe(state);
        (await AuditedAsync(letter.LetterId, "portal.add-person; " + audited, "denied")).ShouldBe(1);
        return refused.Error;
    }

    /// <summary>A parent activated with the first child's letter: their account, and the second child's grant and letter.</summary>
    private async Task<(Guid UserId, ServiceProvider Account, Guid SecondGrant, IssuedActivationLetter SecondLetter)> ParentWithSecondLetterAsync()
    {
        var (_, first) = await RepresentativeLetterAsync(FirstChild, _family, ParentBorn);
        var (userId, account) = await ActivateAsync(first.Code, ParentBorn, _family);
        var (secondGrant, second) = await RepresentativeLetterAsync(SecondChild, _family, ParentBorn);
        return (userId, account, secondGrant, second);
    }

    [Fact]
    public async Task A_parent_adds_a_second_childs_letter_and_the_account_lists_and_reads_both_children()
    {
        var (userId, account, secondGrant, second) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            (await ReadRecordAsync(account, SecondChild)).ShouldBe(ChartReadStatus.Denied, "not before the letter is added");

            var added = await RunAsync<AddMyPersonHandler, AddedPerson>(account, h => h.HandleAsync(
                new AddMyPersonCommand(second.Code.ToLowerInvariant(), ParentBorn, " " + _family.ToUpperInvariant() + " "), CancellationToken.None));

            added.ShouldBe(new AddedPerson(SecondChild, secondGrant));
            (await StateAsync(secondGrant, second.LetterId)).ShouldBe((userId, true, 0));
            (await Db.ScalarAsync<Guid>($"SELECT user_id FROM portal.activation_codes WHERE id = '{second.LetterId}'")).ShouldBe(userId);
            (await Db.ScalarAsync<long>($"""
                SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND patient_id = '{SecondChild}' AND outcome = 'success'
                AND details = 'portal.add-person; representative''s grant {secondGrant:D} added to the signed-in account'
                """)).ShouldBe(1);
            var people = await PeopleAsync(account);
            people.Select(p => p.PatientId).ShouldBe([FirstChild, SecondChild], ignoreOrder: true);
            people.ShouldAllBe(p => !p.IsSelf && p.Relationship == ProxyRelationships.Parent);
            (await ReadRecordAsync(account, FirstChild)).ShouldBe(ChartReadStatus.Shown);
            (await ReadRecordAsync(account, SecondChild)).ShouldBe(ChartReadStatus.Shown);
        }
    }

    [Fact]
    public async Task A_patients_own_account_adds_their_childs_letter_and_reaches_both_records()
    {
        var born = await Db.ScalarAsync<DateOnly>($"SELECT birth_date FROM clinical.patients WHERE id = '{ParentPatient}'");
        var family = await Db.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{ParentPatient}'");
        var own = await LetterAsync(ParentPatient, null);
        var (userId, account) = await ActivateAsync(own.Code, born, family);
        await using (account)
        {
            var (grant, childs) = await RepresentativeLetterAsync(FirstChild, family, born);

            (await AddAsync(account, childs.Code, born, family)).Error.ShouldBeNull();

            (await StateAsync(grant, childs.LetterId)).ShouldBe((userId, true, 0));
            var people = await PeopleAsync(account);
            people.Select(p => (p.PatientId, p.IsSelf)).ShouldBe([(ParentPatient, true), (FirstChild, false)]);
            (await ReadRecordAsync(account, ParentPatient)).ShouldBe(ChartReadStatus.Shown);
            (await ReadRecordAsync(account, FirstChild)).ShouldBe(ChartReadStatus.Shown);
            (await ReadRecordAsync(account, SecondChild)).ShouldBe(ChartReadStatus.Denied, "nobody else's");
        }
    }

    [Fact]
    public async Task A_patients_own_record_letter_is_refused_in_plain_words_without_counting_a_try()
    {
        var (_, account, _, _) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            var owns = await LetterAsync(SecondChild, null);

            var refused = await RefusedAsync(account, owns, null, "add-person.own-letter", "a patient's own-record letter", (null, false, 0));

            refused.Message.ShouldStartWith("This letter is for a patient's own account; it cannot be added to yours");
        }
    }

    [Fact]
    public async Task A_letter_whose_grant_already_has_another_account_is_refused_and_changes_nothing()
    {
        var (_, account, secondGrant, second) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            // The other parent named on the grant activates first; HIM then issues the grant's letter again.
            var (otherId, other) = await ActivateAsync(second.Code, ParentBorn, _family);
            await other.DisposeAsync();
            var again = await LetterAsync(SecondChild, secondGrant);

            var refused = await RefusedAsync(account, again, secondGrant, "add-person.other-account", "grant already named to another account", (otherId, false, 0));

            refused.Message.ShouldContain("another portal account");
        }
    }

    [Fact]
    public async Task A_grant_no_longer_in_force_is_refused_and_changes_nothing()
    {
        var (_, first) = await RepresentativeLetterAsync(FirstChild, _family, ParentBorn);
        var (_, account) = await ActivateAsync(first.Code, ParentBorn, _family);
        await using (account)
        {
            var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
            var (grant, ending) = await RepresentativeLetterAsync(SecondChild, _family, ParentBorn, endsOn: today.AddDays(2));
            _clock.Advance(TimeSpan.FromDays(5));

            var refused = await RefusedAsync(account, ending, grant, "add-person.not-in-force", "representative's grant not in force", (null, false, 0));

            refused.Message.ShouldContain("not in force");
        }
    }

    [Fact]
    public async Task Wrong_details_an_unknown_and_an_expired_code_are_refused_as_at_activation_and_change_nothing()
    {
        var (_, account, secondGrant, second) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            var wrong = await RefusedAsync(account, second, secondGrant, "activation.no-match", "answers do not match (attempt 1 of 5)", (null, false, 1),
                ParentBorn.AddDays(1));
            wrong.Message.ShouldBe(ActivationErrors.NoMatch.Message);

            (await AddAsync(account, "AAAA-AAAA-AAAA", ParentBorn, _family)).Error!.Message.ShouldBe(ActivationErrors.NoMatch.Message);

            _clock.Advance(TimeSpan.FromDays(32));
            (await RefusedAsync(account, second, secondGrant, "activation.unusable", "code expired", (null, false, 1))).Message.ShouldBe(ActivationErrors.Unusable.Message);
            (await PeopleAsync(account)).Select(p => p.PatientId).ShouldBe([FirstChild]);
        }
    }

    [Fact]
    public async Task A_used_code_is_refused_even_to_the_account_that_used_it()
    {
        var (_, first) = await RepresentativeLetterAsync(FirstChild, _family, ParentBorn);
        var (userId, account) = await ActivateAsync(first.Code, ParentBorn, _family);
        await using (account)
        {
            var refused = await AddAsync(account, first.Code, ParentBorn, _family);

            refused.Error!.Code.ShouldBe("activation.unusable");
            (await AuditedAsync(first.LetterId, "portal.add-person; code already used", "denied")).ShouldBe(1);
            (await PeopleAsync(account)).Select(p => p.PatientId).ShouldBe([FirstChild]);
            (await Db.ScalarAsync<Guid>($"SELECT user_id FROM portal.activation_codes WHERE id = '{first.LetterId}'")).ShouldBe(userId);
        }
    }

    [Fact]
    public async Task Another_persons_code_with_the_wrong_details_locks_after_the_configured_tries()
    {
        var (_, account, _, _) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            await Db.ExecuteAsync("UPDATE portal.settings SET activation_max_attempts = 3");
            try
            {
                // Someone else's letter (another representative of the second child): the parent's own details do not open it.
                var guardian = "Guardian" + Guid.NewGuid().ToString("N")[..6];
                var (grant, theirs) = await RepresentativeLetterAsync(SecondChild, guardian, new DateOnly(1970, 4, 2));
                for (var attempt = 1; attempt < 3; attempt++)
                {
                    (await AddAsync(account, theirs.Code, ParentBorn, _family)).Error!.Code.ShouldBe("activation.no-match");
                }

                (await AddAsync(account, theirs.Code, ParentBorn, _family)).Error!.Code.ShouldBe("activation.unusable", "the third wrong try locks it");
                (await StateAsync(grant, theirs.LetterId)).ShouldBe((null, false, 3));
                (await Db.ScalarAsync<bool>($"SELECT locked_at IS NOT NULL FROM portal.activation_codes WHERE id = '{theirs.LetterId}'")).ShouldBeTrue();
                (await AuditedAsync(theirs.LetterId, "portal.add-person; answers do not match (attempt 3 of 3); code locked", "denied")).ShouldBe(1);
                (await AddAsync(account, theirs.Code, new DateOnly(1970, 4, 2), guardian)).Error!.Code.ShouldBe("activation.unusable", "locked: even right answers");
                (await AuditedAsync(theirs.LetterId, "portal.add-person; code locked", "denied")).ShouldBe(1);
            }
            finally
            {
                await Db.ExecuteAsync("UPDATE portal.settings SET activation_max_attempts = 5");
            }
        }
    }

    [Fact]
    public async Task The_letters_form_is_checked_with_plain_words_and_staff_cannot_add_people()
    {
        var (_, account, _, _) = await ParentWithSecondLetterAsync();
        await using (account)
        {
            var blank = await AddAsync(account, "", null, "");
            blank.Error!.Kind.ShouldBe(ErrorKind.Invalid);
            blank.Error.Problems.Select(p => p.Message).ShouldContain("Enter the 12-character code from your letter.");
            blank.Error.Problems.Select(p => p.Message).ShouldContain("Enter your family name.");
        }

        var staff = await AddAsync(_clerk, "AAAA-AAAA-AAAA", ParentBorn, _family);
        staff.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }
}
