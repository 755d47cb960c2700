/** @odoo-module */

import {browser} from "@web/core/browser/browser";

function restoreLocation() {
    Object.defineProperty(browser, "location", {
        configurable: true,
        get: () => window.location,
        set: (value) => {
            window.location = value;
        },
    });
}

/**
 * Steps that click a button answering with a file to download, then fetch
 * that file. The test browser refuses downloads and a refused navigation
 * would stall the page, so the address is caught instead of followed.
 * @param {string} content what the button does
 * @param {string} trigger the button
 * @returns {Object[]} tour steps
 */
export function downloadSteps(content, trigger) {
    return [
        {
            content: `${content}: catch the download`,
            trigger,
            run() {
                // Only assign() changes: the router keeps reading the real
                // address.
                const real = window.location;
                const location = {
                    assign(url) {
                        document.body.dataset.dunningDownload = url;
                        restoreLocation();
                    },
                    replace: (url) => real.replace(url),
                    reload: () => real.reload(),
                    toString: () => real.toString(),
                };
                for (const key of [
                    "href",
                    "origin",
                    "protocol",
                    "host",
                    "hostname",
                    "port",
                    "pathname",
                    "search",
                    "hash",
                ]) {
                    Object.defineProperty(location, key, {get: () => real[key]});
                }
                Object.defineProperty(browser, "location", {
                    configurable: true,
                    get: () => location,
                });
            },
        },
        {content, trigger, run: "click"},
        {
            content: `${content}: the file is served`,
            trigger: "body[data-dunning-download*='/web/content/']",
            async run() {
                const url = document.body.dataset.dunningDownload;
                delete document.body.dataset.dunningDownload;
                const response = await fetch(url);
                const disposition = response.headers.get("Content-Disposition") || "";
                if (!response.ok || !disposition.includes("attachment")) {
                    throw new Error(`${url} is not a downloadable file`);
                }
            },
        },
    ];
}
