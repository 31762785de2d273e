import { UserError } from "../cli/io.js";
export const spec = {
    name: "serve-sim",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'serve-sim' is not built yet");
}
