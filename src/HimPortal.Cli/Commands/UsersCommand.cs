using System.CommandLine;
using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.CreateUser;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static class UsersCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var email = new Option<string>("--email") { Description = "The user's e-mail address (also the sign-in name).", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = "A role: " + string.Join(", ", Roles.All) + ". Repeat for several.",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "Display name (defaults to the part of the e-mail before @)." };
        var npi = new Option<string?>("--practitioner-npi") { Description = "Links a Physician to the Practitioner with this NPI." };
        var department = new Option<string?>("--department") { Description = "The department the user works in (privacy monitoring: co-workers' records)." };
        var familyName = new Option<string?>("--family-name") { Description = "Legal family name (privacy monitoring: relatives' records)." };
        var addressLine = new Option<string?>("--address-line") { Description = "Home address, street line (privacy monitoring: neighbours' records)." };
        var city = new Option<string?>("--city") { Description = "Home address, city." };
        var state = new Option<string?>("--state") { Description = "Home address, state." };
        var postalCode = new Option<string?>("--postal-code") { Description = "Home address, postal code." };
        var patientMrn = new Option<string?>("--patient-mrn") { Description = "MRN of the user's own record in this hospital (privacy monitoring)." };
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from the first line of standard input instead of generating one.",
        };

        var noPasswordChange = new Option<bool>("--no-password-change")
        {
            Description = "Do not make the user choose their own password at the first sign-in (only for an account no person uses: a demo, a benchmark).",
        };

        var add = new Command("add",
            "Create a user with one or more roles. Without --password-stdin a strong password is generated and printed. The user must choose their own at the first sign-in.")
        {
            email, roles, name, npi, department, familyName, addressLine, city, state, postalCode, patientMrn, passwordStdin, noPasswordChange,
        };
        add.SetAction(async (parse, ct) =>
        {
            string? password = null;
            if (parse.GetValue(passwordStdin))
            {
                password = (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n');
                if (string.IsNullOrEmpty(password))
                {
                    await Console.Error.WriteLineAsync("error: --password-stdin was given but standard input held no password.");
                    return 1;
                }
            }

            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<CreateUserHandler>();
            var result = await handler.HandleAsync(new CreateUserCommand(
                parse.GetValue(email)!, parse.GetValue(name), parse.GetValue(roles) ?? [], parse.GetValue(npi), password,
                new UserProfile(parse.GetValue(department), parse.GetValue(familyName), parse.GetValue(addressLine), parse.GetValue(city),
                    parse.GetValue(state), parse.GetValue(postalCode), parse.GetValue(patientMrn)),
                RequirePasswordChange: !parse.GetValue(noPasswordChange)), ct);
            if (!result.IsSuccess)
            {
                await Console.Error.WriteLineAsync("error: " + result.Error!.Message);
                return 1;
            }

            var created = result.Value!;
            Console.WriteLine($"Created user {created.Email} ({created.Id}) with role(s) {string.Join(", ", parse.GetValue(roles)!)}.");
            if (created.GeneratedPassword is not null)
            {
                Console.WriteLine("Password: " + created.GeneratedPassword);
            }

            if (!parse.GetValue(noPasswordChange))
            {
                Console.WriteLine("The user chooses their own password at the first sign-in.");
            }

            return 0;
        });

        return new Command("users", "Manage user accounts.") { add };
    }
}
