// Nx generator: `nx g @aira/competitions:competition <name> [--directory DIR]`. The files come from
// the same scaffoldFiles() that `aira competitions new` uses (built code, so run the build first).
const { posix } = require('node:path');

module.exports = async function competitionGenerator(tree, options) {
  const { scaffoldFiles } = await import('../../dist/index.js');
  const dir = options.directory || posix.join('plugins', options.name);
  if (tree.exists(dir) && tree.children(dir).length > 0)
    throw new Error(`${dir} already exists and is not empty`);
  for (const [rel, content] of Object.entries(scaffoldFiles(options.name, options.title)))
    tree.write(posix.join(dir, rel), content);
  return () =>
    console.log(
      `next: describe the data in ${dir}/manifest.json, write grade() in index.ts, then: aira competitions validate ${dir}`,
    );
};
