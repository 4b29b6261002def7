// Starts `portlint server` (stdio) for the files portlint reads.
const { workspace } = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const FILES =
  "**/{*.yaml,*.yml,*.json,*.conf,*.cfg,*.toml,*.properties,*.service,*.socket," +
  "*.env,.env,.env.*,Dockerfile,Dockerfile.*,*.Dockerfile,Caddyfile,sshd_config}";

let client;

exports.activate = function (context) {
  const command = workspace.getConfiguration("portlint").get("path") || "portlint";
  client = new LanguageClient(
    "portlint",
    "portlint",
    { command, args: ["server"] },
    { documentSelector: [{ scheme: "file", pattern: FILES }] },
  );
  client.start();
  context.subscriptions.push(client);
};

exports.deactivate = function () {
  return client ? client.stop() : undefined;
};
