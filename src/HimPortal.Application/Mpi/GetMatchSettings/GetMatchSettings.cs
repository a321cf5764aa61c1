using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;

namespace HimPortal.Application.Mpi.GetMatchSettings;

public sealed record GetMatchSettingsQuery;

/// <summary>One field's row of the weights table: m, u and the weights they give, in bits.</summary>
public sealed record FieldWeightRow(string Field, double M, double U, double Agreement, double Disagreement, string Meaning);

public sealed record MatchSettingsView(
    bool AutoLinkEnabled, double AutoLinkThreshold, double ReviewThreshold, bool SecondReviewerForClinicalData, IReadOnlyList<FieldWeightRow> Fields,
    double PriorLog2Odds, double AutoLinkWeight, double ReviewWeight, uint Version);

/// <summary>The matcher's settings for the HIM manager's page (/Mpi/Settings): thresholds, switches and the weights table.</summary>
[RequiresPermission(Permissions.MpiConfigure)]
public sealed class GetMatchSettingsHandler(PermissionCheck permissions, HimDbContext db) : Handler<GetMatchSettingsQuery, Result<MatchSettingsView>>(permissions)
{
    /// <summary>What agreement on each field says, in a manager's words.</summary>
    public static readonly IReadOnlyDictionary<string, string> Meanings = new Dictionary<string, string>
    {
        [MatchFields.Given] = "First given name (nicknames, sound-alikes and typos agree in part; agreement on a common name is worth less)",
        [MatchFields.Family] = "Family name (hyphenated parts, maiden and former names agree in part; frequency-adjusted)",
        [MatchFields.BirthDate] = "Birth date (transposed day and month, or one wrong digit, agree in part)",
        [MatchFields.Sex] = "Administrative sex",
        [MatchFields.Ssn] = "Social security number (last four digits alone agree in part)",
        [MatchFields.Address] = "Street address, normalised (household evidence: capped with phone and e-mail)",
        [MatchFields.Phone] = "Phone number, ten digits",
        [MatchFields.Email] = "E-mail address",
        [MatchFields.Identifier] = "An identifier of another facility or agency (driver's licence, passport, another hospital's MRN)",
    };

    protected override async Task<Result<MatchSettingsView>> ExecuteAsync(GetMatchSettingsQuery query, CancellationToken ct)
    {
        var settings = await MatchSettingsStore.ReadAsync(db, ct);
        return Result<MatchSettingsView>.Success(View(settings));
    }

    internal static MatchSettingsView View(MatchConfiguration settings)
    {
        var weights = settings.Weights;
        return new MatchSettingsView(settings.AutoLinkEnabled, settings.AutoLinkThreshold, settings.ReviewThreshold, settings.SecondReviewerForClinicalData,
            [.. weights.Fields().Select(f => new FieldWeightRow(f.Field, f.Weight.M, f.Weight.U, Math.Round(f.Weight.Agreement, 2),
                Math.Round(f.Weight.Disagreement, 2), Meanings.GetValueOrDefault(f.Field, f.Field)))],
            weights.PriorLog2Odds, Math.Round(MatchScorer.WeightFor(settings.AutoLinkThreshold, weights), 1),
            Math.Round(MatchScorer.WeightFor(settings.ReviewThreshold, weights), 1), settings.Version);
    }
}
