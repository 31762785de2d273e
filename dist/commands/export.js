import { UserError } from "../cli/io.js";
export const spec = {
    name: "export",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'export' is not built yet");
}
