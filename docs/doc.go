// Package docs holds palmc's documentation: model.md (the model, step by
// step), tutorial.md and reproduction.md. It has no code; its tests keep
// the documents true:
//
//   - TestTutorialCommands builds palmc and runs the commands of the
//     tutorial, in order, in a temporary folder;
//   - TestMarkdownLinks checks that every relative link of README.md and
//     docs/*.md (and of the other markdown files of the repository) leads
//     to a file or folder of the repository, and every #anchor to a
//     heading of the linked document.
package docs
