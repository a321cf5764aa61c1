using HimPortal.Application.Roi;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>A due date, its rule, and where its clock stands (null for a closed request): the model of _Due.cshtml.</summary>
public sealed record DueDate(DateOnly? Day, string? Citation, RequestClockStatus? Status);
