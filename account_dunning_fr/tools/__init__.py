"""Pure French-law arithmetic (semesters, late payment, prescription): no ORM."""
