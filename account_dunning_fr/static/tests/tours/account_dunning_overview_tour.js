/** @odoo-module */

import {registry} from "@web/core/registry";

// The counts the Python test set up, one per card (see test_tours.py).
const CARDS = [
    {code: "to_validate", title: "Proposals to validate", count: 2},
    {code: "failed", title: "Failures to fix", count: 3},
    {code: "to_print", title: "Letters to print", count: 1},
    {
        code: "registered_no_ack",
        title: "Registered letters without acknowledgment",
        count: 1,
    },
    {code: "calls_due", title: "Calls and visits due", count: 3},
    {code: "calls_due", title: "Calls and visits due", count: 2, mine: true},
    {code: "promises_due", title: "Promises due", count: 1},
    {code: "disputes_to_review", title: "Disputes to review", count: 2},
    {code: "plans_late", title: "Payment plans with a late instalment", count: 1},
];

/** A list whose body holds exactly ``count`` records. */
function listOf(count) {
    return (
        `.o_list_view .o_list_renderer:has(.o_data_row:nth-child(${count}))` +
        `:not(:has(.o_data_row:nth-child(${count + 1})))`
    );
}

// Read the card's figure, open the list behind it, count its lines, come back.
function cardSteps({code, title, count, mine}) {
    const card = `.o_dunning_overview .o_dunning_card_${code}`;
    const figure = mine ? ".o_dunning_card_count_mine" : ".o_dunning_card_count";
    const button = mine ? "button.o_dunning_card_mine" : "button.o_dunning_card_open";
    const label = `${title}${mine ? " (mine)" : ""}`;
    return [
        {
            content: `${label}: the card shows ${count}`,
            trigger: `${card} ${figure}:contains(/^\\s*${count}\\s*$/)`,
        },
        {
            content: `${label}: open the list`,
            trigger: `${card} ${button}`,
            run: "click",
        },
        {
            content: `${label}: the list is the card's`,
            trigger: `.o_breadcrumb .active:contains(${title})`,
        },
        {
            content: `${label}: ${count} line(s), as the card said`,
            trigger: listOf(count),
        },
        {
            content: `${label}: back to the overview`,
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: `${label}: the overview is back`,
            trigger: card,
        },
    ];
}

// An accountant opens the first entry of the dunning menu and goes through
// today's work, card by card.
registry.category("web_tour.tours").add("account_dunning_fr_overview", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "The overview is the first entry of the dunning menu",
            trigger:
                ".o-dropdown--menu .dropdown-header:contains(Dunning) + .dropdown-item[data-menu-xmlid='account_dunning_fr.account_dunning_overview_menu']",
            run: "click",
        },
        {
            content: "The cards are shown",
            trigger: ".o_dunning_overview .o_dunning_card_graph_dso",
        },
        ...CARDS.flatMap(cardSteps),
    ],
});
