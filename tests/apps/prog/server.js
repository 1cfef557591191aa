// tests/apps/node.bats: express (Debian's node-express) on port 3000 and
// the http module's own server on 3001; node /opt/apps/server.js
const express = require("express"), http = require("http");
const app = express();
app.get("/", (req, res) => res.send("hello from express\n"));
app.listen(3000, () => console.log("express listening"));
http.createServer((req, res) => res.end("hello from node http\n"))
	.listen(3001, () => console.log("http listening"));
