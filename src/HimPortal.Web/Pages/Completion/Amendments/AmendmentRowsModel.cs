using HimPortal.Application.Completion.Amendments.ListAmendmentQueue;

namespace HimPortal.Web.Pages.Completion.Amendments;

/// <summary>The rows of HIM's queue or the author's inbox, each linking to <see cref="Link"/> + the request's id.</summary>
public sealed record AmendmentRowsModel(IReadOnlyList<AmendmentRow> Rows, string Link, string TestId);
