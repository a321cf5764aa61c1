using HimPortal.Application.Common;

namespace HimPortal.Application.Access;

public static class AccessErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such patient or assignment.");

    public static readonly Error Conflict = Error.Conflict(
        "Someone else changed this patient's access since you opened the page. Review the current values and try again.");

    public static readonly Error NotAPhysician = new(ErrorKind.Invalid, "not-a-physician", "Choose an active physician's account.", "PhysicianUserId");

    public static readonly Error AlreadyAssigned = new(ErrorKind.Conflict, "already-assigned", "This physician already has an open assignment to this patient.",
        "PhysicianUserId");

    public static readonly Error SelfAssignment = new(ErrorKind.Invalid, "self-assignment",
        "You cannot assign yourself to a patient: another member of HIM staff records your treatment relationship.", "PhysicianUserId");

    public static readonly Error ClinicianMayNotRestrict = new(ErrorKind.Invalid, "clinician-restriction",
        "Your account can read charts, so it cannot change who may read one: another member of HIM staff sets or lifts restrictions.");

    public static readonly Error BreakGlassNotOffered = new(ErrorKind.Forbidden, "not-offered", "Your account may not break the glass on this chart.");

    public static readonly Error BreakGlassNotNeeded = new(ErrorKind.Conflict, "not-needed", "You may already open this chart: there is no glass to break.");
}
