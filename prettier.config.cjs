/** @type {import('prettier').Config} */

// The OCA's prettier options for Odoo >= 18. The plugin is installed by
// scripts/setup.sh under .cache/npm (NODE_PATH points there).
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 88,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
