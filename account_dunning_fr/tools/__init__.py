"""Pure rules with no ORM: French-law arithmetic (semesters, late payment,
prescription, payer profile), the steps of the dunning (which level each
item goes to next, and when), the page footer stamped on letters, the rows
of a long letter table each page holds, the post room's duplex batches, the
reason read off a returned email, values kept as JSON, many record ids sent
as one array, amounts typed by customers, the vocabularies of the selection
fields (value, label), and the statuses read off the French e-invoicing
platforms' lifecycle messages."""
