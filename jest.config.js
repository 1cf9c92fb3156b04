/** Every project's tests in one run (`npm test`). Each project also runs alone: `npx nx test <project>`. */
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

// Projects are the folders under libs/, apps/ and tests/ that have a jest.config.js.
const findProjects = (dir, depth) => {
  if (!existsSync(join(__dirname, dir))) return [];
  return readdirSync(join(__dirname, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (existsSync(join(__dirname, path, 'jest.config.js'))) return [`<rootDir>/${path}`];
      return depth > 1 ? findProjects(path, depth - 1) : [];
    });
};

module.exports = {
  projects: [...findProjects('libs', 3), ...findProjects('apps', 1), ...findProjects('tests', 1)],
  testTimeout: 30_000,
};
