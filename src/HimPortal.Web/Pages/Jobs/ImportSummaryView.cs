using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Patients.IdentifyPatients;

namespace HimPortal.Web.Pages.Jobs;

/// <summary>An import's result as the job page shows it: the summary (ids only) and the patients it may name.</summary>
/// <param name="Named">The patients named for this reader; empty when they may not see demographics.</param>
/// <param name="MayName">Whether the reader may see demographics (Charts.Demographics) at all.</param>
/// <param name="Unnamed">Patients of the import left unnamed because a page names at most <see cref="IdentifyPatientsValidator.MaxPatients"/>.</param>
public sealed record ImportSummaryView(ImportSummary Summary, IReadOnlyDictionary<Guid, IdentifiedPatient> Named, bool MayName, int Unnamed);
