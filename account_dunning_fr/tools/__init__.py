"""Pure rules with no ORM: French-law arithmetic (semesters, late payment,
prescription, payer profile) and the page footer stamped on letters."""
