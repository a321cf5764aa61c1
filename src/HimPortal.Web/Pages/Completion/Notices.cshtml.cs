using HimPortal.Application.Common;
using HimPortal.Application.Completion.Notices.GetNoticeLetter;
using HimPortal.Application.Completion.Notices.ListNotices;
using HimPortal.Application.Completion.Notices.MarkNoticeRead;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion;

/// <summary>The physician's chart-completion notices (page policy Completion.Sign): unread first, mark read, download the letter.</summary>
public sealed class NoticesModel(ListNoticesHandler list, MarkNoticeReadHandler markRead, GetNoticeLetterHandler letter, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public NoticeList List { get; private set; } = new([], [], null, true);

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListNoticesQuery(After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        List = result.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostReadAsync(Guid noticeId, CancellationToken ct)
    {
        var result = await markRead.HandleAsync(new MarkNoticeReadCommand(noticeId), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => OnGetAsync(ct));
        }

        TempData["Notice"] = "Notice marked read.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnGetLetterAsync(Guid id, CancellationToken ct)
    {
        var result = await letter.HandleAsync(new GetNoticeLetterQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        return File(result.Value!.Pdf, "application/pdf", result.Value.FileName);
    }
}
