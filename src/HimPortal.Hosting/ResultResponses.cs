using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Hosting;

/// <summary>
/// The one mapping from a handler's failure to a page's answer, by its <see cref="ErrorKind"/>, never by its code:
/// not found is 404 (also for what the user may not know exists), forbidden is 403 (the refusal is already audited by
/// the handler), and invalid input or a conflict go on the form, shown again with nothing changed, every problem listed.
/// </summary>
public static class ResultResponses
{
    /// <param name="form">Shows the form again with the message; without one, the answer is 400 (invalid) or 409 (conflict) with the message.</param>
    public static IActionResult Refuse(this PageModel page, Error error, Func<IActionResult>? form = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(error);
        switch (error.Kind)
        {
            case ErrorKind.NotFound:
                return page.NotFound();
            case ErrorKind.Forbidden:
                return page.Forbid();
        }

        if (form is null)
        {
            return error.Kind == ErrorKind.Conflict ? new ConflictObjectResult(error.Message) : page.BadRequest(error.Message);
        }

        AddProblems(page, error);
        return form();
    }

    /// <summary>As <see cref="Refuse"/>, for a form that must be read again before it is shown.</summary>
    public static async Task<IActionResult> RefuseAsync(this PageModel page, Error error, Func<Task<IActionResult>> form)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(form);
        if (error.Kind is ErrorKind.NotFound or ErrorKind.Forbidden)
        {
            return page.Refuse(error);
        }

        AddProblems(page, error);
        return await form();
    }

    /// <summary>
    /// Every problem of the error (a form's every mistake at once), each under its field's name as the request spells it;
    /// the forms' validation summaries list them all.
    /// </summary>
    private static void AddProblems(PageModel page, Error error)
    {
        foreach (var problem in error.Problems)
        {
            page.ModelState.AddModelError(problem.Field, problem.Message);
        }
    }
}
