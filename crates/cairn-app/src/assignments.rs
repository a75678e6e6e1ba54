//! Assignments: learning a manager asks workers to do by a date, their progress, overdue lists and CSV import.
