using HimPortal.Application.Completion.Inbox.GetInbox;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <param name="Full">The inbox page itself (paged on), or its first page on the physician's home (/Charts).</param>
public sealed record InboxRowsModel(InboxPage Page, bool Full);
