import { UserError } from "../cli/io.js";
export const spec = {
    name: "comment",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'comment' is not built yet");
}
