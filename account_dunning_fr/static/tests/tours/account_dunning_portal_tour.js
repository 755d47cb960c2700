/** @odoo-module */

import {registry} from "@web/core/registry";

// A customer opens the link of the reminder email, keeps the overdue invoice
// ticked and the date a week ahead, promises it and reads the confirmation.
registry.category("web_tour.tours").add("account_dunning_fr_portal_promise", {
    steps: () => [
        {
            content: "The overdue invoice is listed with its amount",
            trigger: ".o_dunning_portal .o_dunning_line.table-danger",
        },
        {
            content: "The overdue invoice is ticked for the promise",
            trigger: "form.o_dunning_promise input[name=move_ids]:checked",
        },
        {
            content: "Promise the date proposed",
            trigger: "form.o_dunning_promise button[type=submit]",
            run: "click",
        },
        {
            content: "The promise is confirmed",
            trigger: ".o_dunning_done_promise",
        },
        {
            content: "The invoice shows the promised date",
            trigger: ".o_dunning_line .badge.text-bg-primary",
        },
    ],
});
