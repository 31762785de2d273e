import { UserError } from "../cli/io.js";
export const spec = {
    name: "collect",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'collect' is not built yet");
}
