import { UserError } from "../cli/io.js";
export const spec = {
    name: "changelog",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'changelog' is not built yet");
}
